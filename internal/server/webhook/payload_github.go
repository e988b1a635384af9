package webhook

import (
	"encoding/json"
	"fmt"
)

// githubMaxCommits is the most commits a GitHub push payload lists
// (GitHub's push event documentation); a longer push lists no more files.
const githubMaxCommits = 2048

// githubPush is the part of GitHub's push event Tiphys reads
// (https://docs.github.com/webhooks/webhook-events-and-payloads#push).
type githubPush struct {
	Ref        string        `json:"ref"`
	After      string        `json:"after"`
	Created    bool          `json:"created"`
	Forced     bool          `json:"forced"`
	Commits    []commitFiles `json:"commits"`
	Repository struct {
		HTMLURL       string `json:"html_url"`
		CloneURL      string `json:"clone_url"`
		SSHURL        string `json:"ssh_url"`
		GitURL        string `json:"git_url"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

// parseGitHub reads a GitHub push. Its commits list their files, as Argo
// CD reads them; a forced push or a new branch may change files that no
// listed commit names, so both count as changing every path.
func parseGitHub(body []byte) (*Push, error) {
	var p githubPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read github push: %w", err)
	}
	r := p.Repository
	return &Push{
		Provider:      GitHub,
		URLs:          nonEmpty(r.HTMLURL, r.CloneURL, r.SSHURL, r.GitURL),
		Refs:          refs(p.Ref),
		Commit:        p.After,
		DefaultBranch: r.DefaultBranch,
		Files:         changedFiles(p.Commits),
		AllFiles:      p.Forced || p.Created || len(p.Commits) >= githubMaxCommits,
	}, nil
}

// refs is the one ref of a GitHub, GitLab or Gitea push, none if empty.
func refs(ref string) []Ref {
	if ref == "" {
		return nil
	}
	return []Ref{ParseRef(ref)}
}
