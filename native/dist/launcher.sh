#!/bin/sh
# smezo from an unpacked distribution tree: the Java runtime, the application and the native libraries
# that lie beside this script (runtime/, lib/, native/). No JDK, compiler or network is needed.
# The class-data archive (lib/smezo.jsa) is made by the first run and makes later starts faster; where
# the tree is read-only the JVM just runs without it. Native access is granted by the jar's manifest
# (Enable-Native-Access): the same flag on the command line would not match the runtime's own class-data
# archive, which the JVM then partly ignores.
here=$(cd "$(dirname "$0")/.." && pwd -P) || exit 1
# The host's libstdc++ and libgomp where it has them (and a libstdc++ new enough), else the copies in
# native/fallback (which need glibc >= 2.36). Looked up in the usual library directories with shell
# built-ins (ldconfig -p would cost a process per start); one grep reads the host's libstdc++.
fb=$here/native/fallback
if [ -d "$fb" ]; then
  use_fb=
  for rt in libstdc++.so.6 libgomp.so.1; do
    found=
    for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /usr/lib /lib; do
      if [ -s "$d/$rt" ]; then found=$d/$rt; break; fi
    done
    if [ -z "$found" ]; then use_fb=1
    elif [ "$rt" = libstdc++.so.6 ] && [ -f "$fb/needs-glibcxx.txt" ]; then
      read -r need < "$fb/needs-glibcxx.txt"
      grep -qaF "$need" "$found" || use_fb=1
    fi
  done
  if [ -n "$use_fb" ]; then LD_LIBRARY_PATH=$fb${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH; fi
fi
exec "$here/runtime/bin/java" -Xshare:auto -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="$here/lib/smezo.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dsmezo.native.dir="$here/native" ${SMEZO_JAVA_OPTS:-} -jar "$here/lib/smezo.jar" "$@"
