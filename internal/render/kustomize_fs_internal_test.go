package render

import (
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Kustomize's view of a listed directory keeps a symlinked directory a
// directory, whose files read through the link, whichever it asks first.
func TestLazyFSListsSymlinkedDirectories(t *testing.T) {
	src := gittest.New(t)
	src.Write(map[string]string{"base/kustomization.yaml": "resources: []\n", "overlay/kustomization.yaml": "resources:\n- base\n"})
	src.Symlink(map[string]string{"overlay/base": "../base", "overlay/copy.yaml": "../base/kustomization.yaml"})
	fsys := newLazyFS(src.Tree(src.Commit("links", nil)), 1<<20)
	if _, err := fsys.ReadDir("/repo/overlay"); err != nil {
		t.Fatal(err)
	}
	if !fsys.IsDir("/repo/overlay/base") {
		t.Error("overlay/base, a symlinked directory, is not a directory after listing overlay")
	}
	if b, err := fsys.ReadFile("/repo/overlay/base/kustomization.yaml"); err != nil || string(b) != "resources: []\n" {
		t.Errorf("read through the link: %q, %v", b, err)
	}
	if fsys.IsDir("/repo/overlay/copy.yaml") || !fsys.Exists("/repo/overlay/copy.yaml") {
		t.Error("overlay/copy.yaml, a symlinked file, is not a file")
	}
	if fsys.readErr != nil {
		t.Errorf("listing recorded a read error: %v", fsys.readErr)
	}
}
