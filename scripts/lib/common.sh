# Sourced by every script in scripts/: where things are, how to fail, which JDK and Maven to use.
# Everything the project installs for itself lives under .cache/ (ignored by git).

KILN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KILN_CACHE="${KILN_CACHE:-$KILN_ROOT/.cache}"
export KILN_ROOT KILN_CACHE

MAVEN_VERSION=3.9.11
MAVEN_SHA512=bcfe4fe305c962ace56ac7b5fc7a08b87d5abd8b7e89027ab251069faebee516b0ded8961445d6d91ec1985dfe30f8153268843c89aa392733d1a3ec956c9978
MAVEN_CENTRAL="${MAVEN_CENTRAL:-https://repo1.maven.org/maven2}"

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

# The Java major version of a JDK home, or nothing if it is not a JDK.
jdk_major() {
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# Picks a JDK >= 21 (Kiln compiles with --release 21): $JAVA_HOME if it is new enough, else the
# `java` on PATH if it is, else the newest under /usr/lib/jvm and /opt. Exports JAVA_HOME, PATH.
select_jdk() {
  local c major best="" best_major=0 path_jdk=""
  command -v java >/dev/null 2>&1 && path_jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  for c in "${JAVA_HOME:-}" "$path_jdk"; do
    [ -n "$c" ] || continue
    major=$(jdk_major "$c" 2>/dev/null) || continue
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then best="$c"; break; fi
  done
  if [ -z "$best" ]; then
    for c in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
      [ -d "$c" ] || continue
      major=$(jdk_major "$c" 2>/dev/null) || continue
      if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
        best="$c"; best_major="$major"
      fi
    done
  fi
  [ -n "$best" ] || die "no JDK 21 or newer found (looked at \$JAVA_HOME, the java on PATH, /usr/lib/jvm and /opt).
Kiln compiles with --release 21 (its functions run on the java25 Lambda runtime): install a JDK >= 21 (for example
apt-get install openjdk-21-jdk, or Temurin 21) or point JAVA_HOME at one."
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Installs the pinned Maven into .cache/maven (checksum-verified) and sets MVN.
select_maven() {
  local dir="$KILN_CACHE/maven/apache-maven-$MAVEN_VERSION"
  if [ ! -x "$dir/bin/mvn" ]; then
    say "installing Maven $MAVEN_VERSION into $KILN_CACHE/maven"
    mkdir -p "$KILN_CACHE/maven"
    local tgz="$KILN_CACHE/maven/apache-maven-$MAVEN_VERSION-bin.tar.gz"
    curl -fsSL --retry 3 -o "$tgz.part" \
      "$MAVEN_CENTRAL/org/apache/maven/apache-maven/$MAVEN_VERSION/apache-maven-$MAVEN_VERSION-bin.tar.gz" \
      || die "could not download Maven $MAVEN_VERSION from $MAVEN_CENTRAL"
    echo "$MAVEN_SHA512  $tgz.part" | sha512sum -c --quiet - || die "Maven download does not match its pinned sha512"
    tar -xzf "$tgz.part" -C "$KILN_CACHE/maven" && rm -f "$tgz.part"
  fi
  MVN="$dir/bin/mvn"
  export MVN
  # Maven's Guice warns on every run under JDK 24+ about sun.misc.Unsafe; the option exists from JDK 23
  if [ "$(jdk_major "$JAVA_HOME")" -ge 23 ]; then
    case "${MAVEN_OPTS:-}" in *sun-misc-unsafe-memory-access*) ;; *)
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

# jsii (the CDK's Java-to-Node bridge) prints a large banner on every synthesis under Node 20, which
# left support on 2026-10-30. Node 20 still synthesizes; the README recommends Node 22 or newer.
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ]; then
  export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
fi

# Runs the project's pinned Maven in batch mode from the repository root.
mvn_kiln() {
  (cd "$KILN_ROOT" && "$MVN" -B -ntp "$@")
}
