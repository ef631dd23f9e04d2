# PyTorch eager reference: one ResNet-20 training step (batch 128, 28x28x1, SGD Nesterov), median
# over steps 10..N. Usage: /usr/bin/python3 benchmarks/python/resnet20_train_step.py [THREADS] [STEPS]
import os, sys, time, torch
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "src", "test", "resources", "org", "visionzoo", "core", "testing"))
import torchref
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 60
model = torchref.build_model("resnet20", num_classes=10, in_channels=1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
crit = torch.nn.CrossEntropyLoss()
x = torch.randn(128, 1, 28, 28); y = torch.randint(0, 10, (128,))
model.train()
times = []
for i in range(steps):
    t0 = time.perf_counter()
    opt.zero_grad(); loss = crit(model(x), y); loss.backward(); opt.step()
    times.append(time.perf_counter() - t0)
t = sorted(times[10:]); med = t[len(t)//2]
print(f"torch {torch.__version__} threads {torch.get_num_threads()}: resnet20 train step b128 28x28x1 median {med*1000:.1f} ms = {128/med:.0f} img/s")
