package localdemo

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RepoURLPlaceholder is what the example's files say where they mean the
// URL of the repository they are committed to (every repoURL and every
// project's sourceRepos).
const RepoURLPlaceholder = "REPO_URL"

// CopyExample copies the regular files, directories and symlinks of the
// example directory src to dst, with RepoURLPlaceholder replaced by
// repoURL in the files. Symlinks stay symlinks: the microservice chart
// vendors its library chart through one.
func CopyExample(src, dst, repoURL string) error {
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, []byte(strings.ReplaceAll(string(b), RepoURLPlaceholder, repoURL)), 0o644)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copy example %s to %s: %w", src, dst, err)
	}
	return nil
}
