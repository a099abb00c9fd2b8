#!/bin/sh
# smezo from an unpacked distribution tree: the Java runtime, the application and the native libraries
# that lie beside this script (runtime/, lib/, native/). No JDK, compiler or network is needed.
# The class-data archive (lib/smezo.jsa) is made by the first run and makes later starts faster; where
# the tree is read-only the JVM just runs without it. Native access is granted by the jar's manifest
# (Enable-Native-Access): the same flag on the command line would not match the runtime's own class-data
# archive, which the JVM then partly ignores.
here=$(cd "$(dirname "$0")/.." && pwd -P) || exit 1
exec "$here/runtime/bin/java" -Xshare:auto -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="$here/lib/smezo.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dsmezo.native.dir="$here/native" ${SMEZO_JAVA_OPTS:-} -jar "$here/lib/smezo.jar" "$@"
