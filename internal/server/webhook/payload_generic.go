package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
)

// GenericPush is the body of Tiphys' generic webhook (a Tiphys addition,
// asked of Argo CD in argo-cd#7685): any CI or Git host that can POST JSON
// says which repository changed, where, and which files.
type GenericPush struct {
	// Repository is the repository's URL, in any of its forms.
	Repository string `json:"repository"`
	// Revision is the branch or tag pushed: "main", "refs/heads/main",
	// "refs/tags/v1.2.0". A name without refs/ is a branch.
	Revision string `json:"revision"`
	// Commit is the commit the revision now points at (for the log).
	Commit string `json:"commit,omitempty"`
	// Paths are the changed files; none means every path changed.
	Paths []string `json:"paths,omitempty"`
	// DefaultBranch is the repository's default branch, what HEAD means;
	// when empty, main and master are taken as the default branch.
	DefaultBranch string `json:"defaultBranch,omitempty"`
}

// parseGeneric reads a generic push; repository and revision are required.
func parseGeneric(body []byte) (*Push, error) {
	var p GenericPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read generic push: %w", err)
	}
	if p.Repository == "" || p.Revision == "" {
		return nil, errors.New("read generic push: repository and revision are required")
	}
	return &Push{
		Provider:      Generic,
		URLs:          []string{p.Repository},
		Refs:          []Ref{ParseRef(p.Revision)},
		Commit:        p.Commit,
		DefaultBranch: p.DefaultBranch,
		Files:         p.Paths,
		AllFiles:      len(p.Paths) == 0,
	}, nil
}
