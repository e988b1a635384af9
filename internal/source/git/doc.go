// Package git keeps one bare clone per repository URL, shared by every
// application that reads it, and reads files at a commit without a worktree.
//
// A [Cache] maps normalized URLs to [Repo]s. [Repo.Fetch] first lists the
// remote's refs, a cheap request, and fetches only when they moved. Revisions
// (HEAD, branches, tags, full or short SHAs) resolve with [Repo.Resolve]; the
// files of a commit are an [fs.FS] from [Repo.FS], and [Repo.TreeHash] gives
// the content hash of any path, which keys the render cache.
//
// Credentials come from Argo CD's repository and repo-creds Secrets
// ([CredentialsFor]) and never appear in errors or logs.
package git
