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

// summary counts the applications per change.
func (r *previewReport) summary() string {
	n := map[string]int{}
	for _, a := range r.Apps {
		n[a.Change]++
	}
	return fmt.Sprintf("%d applications modified, %d added, %d deleted", n[changeModified], n[changeAdded], n[changeDeleted])
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
		added, modified, deleted := a.counts()
		change := a.Change
		if a.Via != "" {
			change += " (" + a.Via + ")"
		}
		fmt.Fprintf(b, "| `%s` | %s | %d | %d | %d |\n", a.Name, change, added, modified, deleted)
	}
	for _, a := range r.Apps {
		fmt.Fprintf(b, "\n<details><summary><code>%s</code>: %s</summary>\n\n", a.Name, a.Change)
		// A fence longer than any run of backticks in the diff.
		fence := "```"
		for _, o := range a.Objects {
			for strings.Contains(o.body(), fence) {
				fence += "`"
			}
		}
		b.WriteString(fence + "diff\n")
		for _, o := range a.Objects {
			b.WriteString(o.header())
			b.WriteString(o.body())
		}
		b.WriteString(fence + "\n\n</details>\n")
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
