package org.visionzoo.core.weights;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;

import org.visionzoo.core.nn.BatchNorm2d;
import org.visionzoo.core.nn.NamedBlock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The naming rule: a parameter's torchvision {@code state_dict} key is the path of module names
 * from the root to its block, then its own name, joined with dots ({@code layer1.0.conv1.weight}).
 *
 * <p>Module names are the children's names (see {@link NamedBlock#namedChildren}); parameter names
 * are PyTorch's, except for DJL's own {@link BatchNorm}, whose {@code gamma}, {@code beta}, {@code
 * runningMean}, {@code runningVar} map to {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}. There is no per-model table.
 */
public final class StateDict {

    private StateDict() {}

    /**
     * Maps every parameter (running statistics included) of a block to its {@code state_dict} key,
     * in the order of the tree (torchvision's order for VisionZoo models).
     *
     * @param root the model
     * @return key to parameter, in tree order
     */
    public static Map<String, Parameter> parameters(Block root) {
        Map<String, Parameter> map = new LinkedHashMap<>();
        walk(root, "", map, new ArrayList<>());
        return Collections.unmodifiableMap(map);
    }

    /**
     * Lists the prefixes ({@code layer1.0.bn1.}) of the batch-norm modules of a block, the modules
     * whose {@code num_batches_tracked} buffer a torchvision {@code state_dict} also holds.
     *
     * @param root the model
     * @return the prefixes, in tree order
     */
    public static List<String> batchNormPrefixes(Block root) {
        List<String> prefixes = new ArrayList<>();
        walk(root, "", new LinkedHashMap<>(), prefixes);
        return Collections.unmodifiableList(prefixes);
    }

    private static void walk(
            Block block, String prefix, Map<String, Parameter> out, List<String> batchNorms) {
        if (block instanceof BatchNorm2d || block instanceof BatchNorm) {
            batchNorms.add(prefix);
        }
        for (Parameter p : block.getDirectParameters().values()) {
            String key = prefix + torchName(p.getName());
            if (out.putIfAbsent(key, p) != null) {
                throw new IllegalStateException("two parameters map to the state_dict key " + key);
            }
        }
        for (Map.Entry<String, Block> child : NamedBlock.namedChildren(block)) {
            walk(child.getValue(), prefix + child.getKey() + ".", out, batchNorms);
        }
    }

    /**
     * Maps a DJL parameter name to PyTorch's.
     *
     * @param djlName the parameter's name in its block
     * @return PyTorch's name for it
     */
    public static String torchName(String djlName) {
        switch (djlName) {
            case "gamma":
                return "weight";
            case "beta":
                return "bias";
            case "runningMean":
                return "running_mean";
            case "runningVar":
                return "running_var";
            default:
                return djlName;
        }
    }
}
