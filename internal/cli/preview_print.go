package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// print writes the report as text, markdown (a pull request comment) or
// JSON.
func (r *previewReport) print(out io.Writer, format string) error {
	var b strings.Builder
	switch format {
	case "json":
		if r.Apps == nil {
			r.Apps = []previewApp{}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		r.markdown(&b)
	default:
		r.text(&b)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func (r *previewReport) short() string {
	return r.Commit[:min(7, len(r.Commit))]
}

func (a previewApp) title() string {
	if a.Via != "" {
		return fmt.Sprintf("%s (%s, from %s)", a.Name, a.Change, a.Via)
	}
	return fmt.Sprintf("%s (%s)", a.Name, a.Change)
}

func (o previewObject) header() string {
	return fmt.Sprintf("===== %s/%s %s/%s ======\n", o.Group, o.Kind, o.Namespace, o.Name)
}

// body is the object's diff, or a line saying it would go.
func (o previewObject) body() string {
	if o.Change == changeDeleted {
		return "(would be deleted)\n"
	}
	return o.Diff
}

func (r *previewReport) text(b *strings.Builder) {
	if len(r.Apps) == 0 {
		fmt.Fprintf(b, "revision %s (%s): no application would change\n", r.Revision, r.short())
		return
	}
	for _, a := range r.Apps {
		if a.Change == changeFailed {
			fmt.Fprintf(b, "Application %s (failed to render): %s\n\n", a.Name, a.Error)
			continue
		}
		added, modified, deleted := a.counts()
		fmt.Fprintf(b, "Application %s: %d added, %d modified, %d deleted\n", a.title(), added, modified, deleted)
		for _, o := range a.Objects {
			b.WriteString(o.header())
			b.WriteString(o.body())
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "revision %s (%s): %s\n", r.Revision, r.short(), r.summary())
}

// summary counts the applications per change, and those that failed to
// render when any did.
func (r *previewReport) summary() string {
	n := map[string]int{}
	for _, a := range r.Apps {
		n[a.Change]++
	}
	s := fmt.Sprintf("%d applications modified, %d added, %d deleted", n[changeModified], n[changeAdded], n[changeDeleted])
	if n[changeFailed] > 0 {
		s += fmt.Sprintf(", %d failed to render", n[changeFailed])
	}
	return s
}

func (r *previewReport) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "### Tiphys preview of `%s` (%s)\n\n", r.Revision, r.short())
	if len(r.Apps) == 0 {
		b.WriteString("No application would change.\n")
		return
	}
	fmt.Fprintf(b, "%s.\n\n", capitalize(r.summary()))
	b.WriteString("| Application | Change | Added | Modified | Deleted |\n|---|---|--:|--:|--:|\n")
	for _, a := range r.Apps {
		if a.Change == changeFailed {
			fmt.Fprintf(b, "| `%s` | **failed to render** | - | - | - |\n", a.Name)
			continue
		}
		added, modified, deleted := a.counts()
		change := a.Change
		if a.Via != "" {
			change += " (" + a.Via + ")"
		}
		fmt.Fprintf(b, "| `%s` | %s | %d | %d | %d |\n", a.Name, change, added, modified, deleted)
	}
	for _, a := range r.Apps {
		if a.Change == changeFailed {
			// Open: the reason is what a reviewer has to read.
			fmt.Fprintf(b, "\n<details open><summary><code>%s</code>: failed to render</summary>\n\n", a.Name)
			fence := fenceFor(a.Error)
			fmt.Fprintf(b, "%stext\n%s\n%s\n\n</details>\n", fence, a.Error, fence)
			continue
		}
		fmt.Fprintf(b, "\n<details><summary><code>%s</code>: %s</summary>\n\n", a.Name, a.Change)
		var bodies strings.Builder
		for _, o := range a.Objects {
			bodies.WriteString(o.body())
		}
		fence := fenceFor(bodies.String())
		b.WriteString(fence + "diff\n")
		for _, o := range a.Objects {
			b.WriteString(o.header())
			b.WriteString(o.body())
		}
		b.WriteString(fence + "\n\n</details>\n")
	}
}

// fenceFor is a code fence longer than any run of backticks in text.
func fenceFor(text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
