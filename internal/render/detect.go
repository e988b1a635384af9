package render

import (
	"errors"
	"io/fs"
	"path"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// kustomizationFiles are the names kustomize accepts, in its order.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// detect picks the rendering tool as Argo CD does: an explicit helm,
// kustomize, directory or plugin block wins (more than one is an error);
// else a kustomization file in the path means Kustomize, a Chart.yaml
// means Helm, and anything else is a directory.
func detect(repo fs.FS, dir string, src v1alpha1.ApplicationSource) (v1alpha1.ApplicationSourceType, error) {
	var explicit []v1alpha1.ApplicationSourceType
	if src.Helm != nil {
		explicit = append(explicit, v1alpha1.ApplicationSourceTypeHelm)
	}
	if src.Kustomize != nil {
		explicit = append(explicit, v1alpha1.ApplicationSourceTypeKustomize)
	}
	if src.Directory != nil {
		explicit = append(explicit, v1alpha1.ApplicationSourceTypeDirectory)
	}
	if src.Plugin != nil {
		explicit = append(explicit, v1alpha1.ApplicationSourceTypePlugin)
	}
	if len(explicit) > 1 {
		return "", errors.New("multiple application source types set (helm, kustomize, directory, plugin): choose one")
	}
	if len(explicit) == 1 {
		return explicit[0], nil
	}
	if kustomizationFile(repo, dir) != "" {
		return v1alpha1.ApplicationSourceTypeKustomize, nil
	}
	if _, err := fs.Stat(repo, path.Join(dir, "Chart.yaml")); err == nil {
		return v1alpha1.ApplicationSourceTypeHelm, nil
	}
	return v1alpha1.ApplicationSourceTypeDirectory, nil
}

// kustomizationFile returns the kustomization file in dir, or "".
func kustomizationFile(repo fs.FS, dir string) string {
	for _, name := range kustomizationFiles {
		if _, err := fs.Stat(repo, path.Join(dir, name)); err == nil {
			return name
		}
	}
	return ""
}
