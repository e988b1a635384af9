// Package git keeps one bare clone per repository URL, shared by every
// application that reads it, and reads files at a commit without a worktree.
//
// A [Cache] maps normalized URLs to [Repo]s. [Repo.Fetch] first lists the
// remote's refs, a cheap request, and fetches only when they moved. A
// listing is shared: calls made while it runs, or less than
// [CacheOptions].ListInterval after it started, take its result, so the
// applications of one repository list it once per interval, not once each;
// [FetchOptions].Refresh demands a listing of the caller's own time (a
// user's refresh). Revisions (HEAD, branches, tags, full or short SHAs)
// resolve with [Repo.Resolve].
//
// The files of a commit are an [fs.FS] from [Repo.FS], and [TreeFS.TreeHash]
// gives the content hash of any path, which keys the render cache. Decoded
// trees are kept per clone by hash, so looking up a path again at the next
// commit decodes only the directories that commit changed.
//
// [Revert] writes: one commit on a branch that restores some paths to
// their content at an earlier revision, pushed with the same credentials
// (an aborted rollout's revert commit, tiphys app rollback).
//
// Credentials come from Argo CD's repository and repo-creds Secrets
// ([CredentialsFor]) and never appear in errors or logs.
package git
