#!/usr/bin/env bash
# Builds the pinned third-party binaries Tiphys needs (the Kubernetes control
# plane, etcd, kwok and controller-gen) into a cache outside the clone, keyed
# by version and by a hash of the sources that pin them, and links them from
# bin/. A binary already in the cache is never built again.
#
# usage: tools/build.sh BIN_DIR [kube|etcd|kwok|controller-gen]...
set -euo pipefail

tools=$(cd "$(dirname "$0")" && pwd)
bindir=$(mkdir -p "$1" && cd "$1" && pwd)
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(kube etcd kwok controller-gen)

KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.7.0
KWOK_VERSION=v0.8.0
CONTROLLER_GEN_VERSION=v0.23.0
cache=${TIPHYS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tiphys}/bin

hash_of() { (cd "$tools" && cat "$@") | sha256sum | cut -c1-12; }

# build NAME VERSION MODULE_DIR PACKAGE LDFLAGS SOURCES...
build() {
  local name=$1 version=$2 moddir=$3 pkg=$4 ldflags=$5
  shift 5
  local dir="$cache/$name-$version-$(hash_of "$@")"
  if [ ! -x "$dir/$name" ]; then
    echo "tools: building $name $version into $dir (once per version)" >&2
    mkdir -p "$dir"
    (cd "$tools/$moddir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$dir/$name.tmp" "$pkg")
    mv "$dir/$name.tmp" "$dir/$name"
  fi
  ln -sfn "$dir/$name" "$bindir/$name"
}

kube_ldflags() {
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local f=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$f"
}

for n in "${names[@]}"; do
  case $n in
  kube)
    build kube "$KUBE_VERSION" . ./kube "$(kube_ldflags)" go.mod go.sum kube/main.go
    for p in kube-apiserver kube-controller-manager kube-scheduler; do ln -sfn kube "$bindir/$p"; done
    ;;
  etcd) build etcd "$ETCD_VERSION" . ./etcd "" go.mod go.sum etcd/main.go ;;
  kwok)
    build kwok "$KWOK_VERSION" kwok sigs.k8s.io/kwok/cmd/kwok "" kwok/go.mod kwok/go.sum
    # kwok's own Stage documents (node and pod lifecycles) ship beside it.
    stages="$(dirname "$(readlink "$bindir/kwok")")/stages"
    if [ ! -f "$stages/pod-ready.yaml" ]; then
      src=$(cd "$tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
      mkdir -p "$stages"
      cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat/node-heartbeat.yaml" \
        "$src/pod/fast/pod-ready.yaml" "$src/pod/fast/pod-complete.yaml" "$src/pod/fast/pod-delete.yaml" "$stages/"
    fi
    ln -sfn "$stages" "$bindir/kwok-stages"
    ;;
  controller-gen)
    build controller-gen "$CONTROLLER_GEN_VERSION" controller-gen sigs.k8s.io/controller-tools/cmd/controller-gen "" \
      controller-gen/go.mod controller-gen/go.sum
    ;;
  *) echo "tools: unknown binary $n" >&2; exit 2 ;;
  esac
done
