package webhook

import (
	"encoding/json"
	"fmt"
)

// giteaPush is the part of Gitea's and Gogs' push event Tiphys reads
// (https://docs.gitea.com/usage/webhooks).
type giteaPush struct {
	Ref          string        `json:"ref"`
	After        string        `json:"after"`
	TotalCommits int           `json:"total_commits"`
	Commits      []commitFiles `json:"commits"`
	Repository   struct {
		HTMLURL       string `json:"html_url"`
		CloneURL      string `json:"clone_url"`
		SSHURL        string `json:"ssh_url"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

// parseGitea reads a Gitea or Gogs push. Gitea lists only the last few
// commits of a long push and counts them all in total_commits: when it
// lists fewer, every path counts as changed.
func parseGitea(body []byte) (*Push, error) {
	var p giteaPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read gitea push: %w", err)
	}
	r := p.Repository
	return &Push{
		Provider:      Gitea,
		URLs:          nonEmpty(r.HTMLURL, r.CloneURL, r.SSHURL),
		Refs:          refs(p.Ref),
		Commit:        p.After,
		DefaultBranch: r.DefaultBranch,
		Files:         changedFiles(p.Commits),
		AllFiles:      p.TotalCommits > len(p.Commits),
	}, nil
}
