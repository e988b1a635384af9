package health

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Conformance is how many of Argo CD's own health fixtures Tiphys's
// built-in checks assess as Argo CD's expect, per API group.
type Conformance struct {
	// Groups are sorted by name; the wildcard directory `_.crossplane.io`
	// is reported as `*.crossplane.io`.
	Groups []GroupConformance
}

// GroupConformance is one API group's result.
type GroupConformance struct {
	Group string
	// Total is the number of fixtures, Matched those with the expected
	// status, MessagesMatched those with the expected status and message.
	Total, Matched, MessagesMatched int
	// Mismatches are the fixtures whose status or message differs.
	Mismatches []FixtureMismatch
	// Broken are the fixtures that could not be read (a missing file, not
	// an object, a path outside the checkout); they are not in Total.
	Broken []BrokenFixture
}

// BrokenFixture is a fixture that could not be read, and why.
type BrokenFixture struct {
	Kind, File string
	Err        error
}

// FixtureMismatch is one fixture whose assessment differs from Argo CD's.
type FixtureMismatch struct {
	// Kind is the fixture's directory under the group ("_" for a wildcard).
	Kind string
	// File is the fixture's path relative to the checkout.
	File string
	Want Status
	// Got is nil when Tiphys gives the object no health.
	Got *Status
	// Deleting: the object has a deletionTimestamp, so Argo CD's controller,
	// as Tiphys, reports it Progressing "Pending deletion" before any
	// script runs; Argo CD's fixture tests run the script directly.
	Deleting bool
}

// StatusDiffers reports whether the status, not only the message, differs.
func (m FixtureMismatch) StatusDiffers() bool { return m.Got == nil || m.Got.Code != m.Want.Code }

// Totals sums the groups: fixtures, status matches and message matches.
func (c *Conformance) Totals() (total, matched, messages int) {
	for _, g := range c.Groups {
		total += g.Total
		matched += g.Matched
		messages += g.MessagesMatched
	}
	return total, matched, messages
}

// healthTests is the shape of Argo CD's
// resource_customizations/<group>/<kind>/health_test.yaml.
type healthTests struct {
	Tests []struct {
		HealthStatus struct {
			Status  v1alpha1.HealthStatusCode `json:"status"`
			Message string                    `json:"message"`
		} `json:"healthStatus"`
		InputPath string `json:"inputPath"`
	} `json:"tests"`
}

// RunConformance assesses every fixture named by the health_test.yaml
// files under repo/resource_customizations (an Argo CD checkout) with the
// built-in checks and compares status and message with the expected ones.
// It fails when the directory has no resource_customizations or a test
// file cannot be read; an unreadable fixture is a mismatch.
func RunConformance(repo string) (*Conformance, error) {
	root := filepath.Join(repo, "resource_customizations")
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		if filepath.Base(filepath.Clean(repo)) == "resource_customizations" {
			return nil, fmt.Errorf("argo cd checkout %s: give the repository's root, the directory above resource_customizations", repo)
		}
		return nil, fmt.Errorf("argo cd checkout %s: no resource_customizations directory", repo)
	}
	groups := map[string]*GroupConformance{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "health_test.yaml" {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		group, kind, _ := strings.Cut(filepath.ToSlash(rel), "/")
		group = strings.Replace(group, "_.", "*.", 1)
		g := groups[group]
		if g == nil {
			g = &GroupConformance{Group: group}
			groups[group] = g
		}
		return runHealthTests(repo, path, kind, g)
	})
	if err != nil {
		return nil, err
	}
	c := &Conformance{}
	for _, g := range groups {
		c.Groups = append(c.Groups, *g)
	}
	sort.Slice(c.Groups, func(i, j int) bool { return c.Groups[i].Group < c.Groups[j].Group })
	if total, _, _ := c.Totals(); total == 0 {
		return nil, fmt.Errorf("argo cd checkout %s: no health fixtures under resource_customizations", repo)
	}
	return c, nil
}

func runHealthTests(repo, path, kind string, g *GroupConformance) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var tests healthTests
	if err := yaml.Unmarshal(b, &tests); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for i, t := range tests.Tests {
		file := filepath.Join(dir, t.InputPath)
		rel, err := filepath.Rel(repo, file)
		if err != nil || t.InputPath == "" || !strings.HasPrefix(file, dir+string(filepath.Separator)) {
			relTest, _ := filepath.Rel(repo, path)
			g.Broken = append(g.Broken, BrokenFixture{Kind: kind, File: fmt.Sprintf("%s test %d", filepath.ToSlash(relTest), i+1),
				Err: fmt.Errorf("inputPath %q is not a file beside the test", t.InputPath)})
			continue
		}
		obj, err := readFixture(file)
		if err != nil {
			g.Broken = append(g.Broken, BrokenFixture{Kind: kind, File: filepath.ToSlash(rel), Err: err})
			continue
		}
		want := Status{Code: t.HealthStatus.Status, Message: t.HealthStatus.Message}
		g.Total++
		got, err := Of(obj, nil)
		if err != nil {
			got = &Status{Code: v1alpha1.HealthStatusUnknown, Message: err.Error()}
		}
		if got != nil && got.Code == want.Code {
			g.Matched++
			if got.Message == want.Message {
				g.MessagesMatched++
				continue
			}
		}
		g.Mismatches = append(g.Mismatches, FixtureMismatch{Kind: kind, File: filepath.ToSlash(rel), Want: want, Got: got,
			Deleting: obj.GetDeletionTimestamp() != nil})
	}
	return nil
}

// fixtureHealth reads one object and assesses it without overrides.
func fixtureHealth(file string) (*Status, error) {
	obj, err := readFixture(file)
	if err != nil {
		return nil, err
	}
	return Of(obj, nil)
}

// readFixture reads one object, decoded as the API machinery decodes it.
func readFixture(file string) (*unstructured.Unstructured, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// As the API machinery decodes objects: whole numbers are int64.
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(j); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return obj, nil
}
