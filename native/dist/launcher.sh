#!/bin/sh
# smezo from an unpacked distribution tree: the Java runtime, the application and the native libraries
# that lie beside this script (runtime/, lib/, native/). No JDK, compiler or network is needed.
# The class-data archive (lib/smezo.jsa) is made by the first run and makes later starts faster; where
# the tree is read-only the JVM just runs without it. Native access is granted by the jar's manifest
# (Enable-Native-Access): the same flag on the command line would not match the runtime's own class-data
# archive, which the JVM then partly ignores.
here=$(cd "$(dirname "$0")/.." && pwd -P) || exit 1
# The host's libstdc++ and libgomp where it has them (and a libstdc++ new enough), else the copies in
# native/fallback (which need glibc >= 2.36). Shell built-ins only, no process and no file read: this
# runs on every start. GCC's libstdc++.so.6.0.N is the one that provides GLIBCXX_3.4.N.
fb=$here/native/fallback
if [ -f "$fb/needs-glibcxx.txt" ]; then
  read -r need < "$fb/needs-glibcxx.txt"; need=${need##*.}
  cxx= omp=
  for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /usr/lib /lib; do
    [ -z "$omp" ] && [ -s "$d/libgomp.so.1" ] && omp=1
    if [ -z "$cxx" ] && [ -s "$d/libstdc++.so.6" ]; then
      for f in "$d"/libstdc++.so.6.0.*; do
        n=${f##*.}
        case $n in *[!0-9]*|'') continue ;; esac
        [ -s "$f" ] && [ "$n" -ge "$need" ] && cxx=1
      done
    fi
  done
  if [ -z "$cxx" ] || [ -z "$omp" ]; then LD_LIBRARY_PATH=$fb${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH; fi
fi
# a serial collector with a small young generation: a flat RSS (see the developer script ./smezo)
exec "$here/runtime/bin/java" -Xshare:auto -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="$here/lib/smezo.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dsmezo.native.dir="$here/native" -XX:+UseSerialGC -Xmn16m ${SMEZO_JAVA_OPTS:-} -jar "$here/lib/smezo.jar" "$@"
