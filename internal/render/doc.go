// Package render turns an Application source into the Kubernetes objects it
// describes, exactly as Argo CD would render it: plain directories (YAML,
// JSON, Jsonnet), Helm charts through the Helm SDK, and Kustomize through the
// kustomize API, all in process and all reading the repository through an
// fs.FS, so a Git commit is rendered without a worktree.
//
// Every error names the application, the file and the cause ([Error]); a
// render either returns every object or none. A [Cache] re-uses a render
// while the tree hashes of every path it read are unchanged.
package render
