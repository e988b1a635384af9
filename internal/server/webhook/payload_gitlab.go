package webhook

import (
	"encoding/json"
	"fmt"
)

// gitlabPush is the part of GitLab's push and tag push events Tiphys reads
// (https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events).
type gitlabPush struct {
	Ref               string        `json:"ref"`
	After             string        `json:"after"`
	TotalCommitsCount int           `json:"total_commits_count"`
	Commits           []commitFiles `json:"commits"`
	Project           struct {
		WebURL        string `json:"web_url"`
		GitHTTPURL    string `json:"git_http_url"`
		GitSSHURL     string `json:"git_ssh_url"`
		DefaultBranch string `json:"default_branch"`
	} `json:"project"`
	Repository struct {
		Homepage   string `json:"homepage"`
		GitHTTPURL string `json:"git_http_url"`
		GitSSHURL  string `json:"git_ssh_url"`
	} `json:"repository"`
}

// parseGitLab reads a GitLab push. GitLab lists at most 20 commits and
// counts them all in total_commits_count: when it lists fewer than it
// counts, the files it names are not all that changed, so every path
// counts as changed (Argo CD reads only the listed ones).
func parseGitLab(body []byte) (*Push, error) {
	var p gitlabPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read gitlab push: %w", err)
	}
	return &Push{
		Provider: GitLab,
		URLs: nonEmpty(p.Project.WebURL, p.Project.GitHTTPURL, p.Project.GitSSHURL,
			p.Repository.Homepage, p.Repository.GitHTTPURL, p.Repository.GitSSHURL),
		Refs:          refs(p.Ref),
		Commit:        p.After,
		DefaultBranch: p.Project.DefaultBranch,
		Files:         changedFiles(p.Commits),
		AllFiles:      p.TotalCommitsCount > len(p.Commits),
	}, nil
}
