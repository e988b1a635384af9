package webhook

import "strings"

// Push is what a webhook says about one push, whatever its provider.
type Push struct {
	// Provider sent the push.
	Provider Provider
	// URLs are every form of the repository's URL the payload gives (web,
	// HTTPS clone, SSH clone).
	URLs []string
	// Refs are the branches and tags the push moved.
	Refs []Ref
	// Commit is the commit a ref now points at, for the log.
	Commit string
	// DefaultBranch is the repository's default branch, when the payload
	// gives it (GitHub, GitLab, Gitea); empty otherwise.
	DefaultBranch string
	// Files are the changed files, relative to the repository's root.
	Files []string
	// AllFiles is true when the payload does not list every changed file
	// (Bitbucket lists none, GitLab and Gitea cut long pushes, a forced
	// push hides what it dropped): every path is then taken as changed.
	AllFiles bool
}

// Ref is a branch or a tag.
type Ref struct {
	// Name is the short name: "main", "feature/x", "v1.2.0".
	Name string
	// Tag is true for a tag, false for a branch.
	Tag bool
}

// ParseRef reads a full ref name (refs/heads/x, refs/tags/v1); a name
// without the refs/ prefix is a branch, as Argo CD's ParseRevision reads
// it.
func ParseRef(ref string) Ref {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return Ref{Name: strings.TrimPrefix(ref, "refs/heads/")}
	case strings.HasPrefix(ref, "refs/tags/"):
		return Ref{Name: strings.TrimPrefix(ref, "refs/tags/"), Tag: true}
	}
	return Ref{Name: ref}
}

// String is the full ref name.
func (r Ref) String() string {
	if r.Tag {
		return "refs/tags/" + r.Name
	}
	return "refs/heads/" + r.Name
}

// commitFiles are the files one commit of a GitHub, GitLab or Gitea
// payload added, modified and removed.
type commitFiles struct {
	Added    []string `json:"added"`
	Modified []string `json:"modified"`
	Removed  []string `json:"removed"`
}

// changedFiles gathers the files of commits, each once.
func changedFiles(commits []commitFiles) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range commits {
		for _, list := range [][]string{c.Added, c.Modified, c.Removed} {
			for _, f := range list {
				if !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// nonEmpty drops the empty strings of list, and repeats.
func nonEmpty(list ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
