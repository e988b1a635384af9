package webhook

import (
	"path"
	"strings"
)

// ManifestGeneratePathsAnnotation lists, ";"-separated, the paths whose
// changes concern an application (Argo CD's
// argocd.argoproj.io/manifest-generate-paths): relative to the source's
// path unless they start with "/", "." being the source's path itself.
const ManifestGeneratePathsAnnotation = "argocd.argoproj.io/manifest-generate-paths"

// RefreshPaths are the repository paths whose changes concern a source at
// sourcePath, from the annotation's value, as Argo CD's
// GetSourceRefreshPaths. None (no annotation, or an empty one) means every
// path.
func RefreshPaths(annotation, sourcePath string) []string {
	var out []string
	for item := range strings.SplitSeq(annotation, ";") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case strings.HasPrefix(item, "/"):
			out = append(out, path.Clean(item))
		default:
			out = append(out, path.Clean("/"+path.Join(sourcePath, item)))
		}
	}
	return out
}

// FilesTouch tells whether a changed file lies under one of paths (or
// matches one as a glob, as Argo CD's AppFilesHaveChanged allows). No
// paths means every path; no files means the payload did not list them,
// so every path counts as changed.
func FilesTouch(paths, files []string) bool {
	if len(paths) == 0 || len(files) == 0 {
		return true
	}
	for _, f := range files {
		f = path.Clean("/" + f)
		for _, p := range paths {
			p = path.Clean("/" + p)
			if p == "/" || f == p || strings.HasPrefix(f, p+"/") {
				return true
			}
			if ok, err := path.Match(p, f); err == nil && ok {
				return true
			}
		}
	}
	return false
}
