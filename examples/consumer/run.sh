#!/usr/bin/env bash
# Builds and runs the consumer example against the VisionZoo artifacts in the local Maven
# repository: run `./mvnw install` at the repository root first. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"

"$root/mvnw" -f "$here/pom.xml" -q -B package

export OPT_OUT_TRACKING="${OPT_OUT_TRACKING:-true}"
export DJL_OFFLINE="${DJL_OFFLINE:-true}"
java="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
fi
exec "$java" \
    -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
    -cp "$here/target/classes:$(cat "$here/target/runtime.classpath")" \
    org.visionzoo.example.consumer.Main
