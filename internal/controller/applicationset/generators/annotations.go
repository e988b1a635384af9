package generators

import (
	"fmt"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Switches that restore Argo CD's behaviour where Tiphys chose a safer
// one. Both are annotations on the ApplicationSet, listed on the
// compatibility page.
const (
	// AnnotationGitFilesGlob set to GitFilesGlobArgoCD makes the git files
	// generator match its paths as Argo CD's default does (git ls-files
	// pathspecs: "*" crosses "/", and a plain path matches everything
	// under it). Unset, "*" stays within one path segment and "**"
	// crosses segments.
	AnnotationGitFilesGlob = "tiphys.io/git-files-glob"
	// GitFilesGlobArgoCD is the Argo CD value of AnnotationGitFilesGlob.
	GitFilesGlobArgoCD = "argocd"

	// AnnotationMatrixDuplicateKeys set to MatrixDuplicateKeysFirst makes a
	// matrix keep the first generator's value of a parameter both of its
	// generators yield with different values, as Argo CD does with Go
	// templates. Unset, such a parameter is an error naming it.
	AnnotationMatrixDuplicateKeys = "tiphys.io/matrix-duplicate-keys"
	// MatrixDuplicateKeysFirst is the Argo CD value of
	// AnnotationMatrixDuplicateKeys.
	MatrixDuplicateKeysFirst = "first"
)

// switchOn reads a switch annotation: true when it is set to on, false
// when unset; any other value is an error, so that a typo does not
// silently keep the default.
func switchOn(set *v1alpha1.ApplicationSet, annotation, on string) (bool, error) {
	v, ok := set.Annotations[annotation]
	switch {
	case !ok || v == "":
		return false, nil
	case v == on:
		return true, nil
	}
	return false, fmt.Errorf("annotation %s: %q is not a known value (%q, or unset)", annotation, v, on)
}
