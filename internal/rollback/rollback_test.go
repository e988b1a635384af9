package rollback

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestEntry(t *testing.T) {
	app := &v1alpha1.Application{Status: v1alpha1.ApplicationStatus{History: v1alpha1.RevisionHistories{
		{ID: 0, Revision: "a"}, {ID: 1, Revision: "b"}, {ID: 2, Revision: "c"}}}}
	app.Name = "web"
	id := func(n int64) *int64 { return &n }
	tests := []struct {
		name    string
		app     *v1alpha1.Application
		id      *int64
		want    string
		wantErr string
	}{
		{"no id: the one before the last", app, nil, "b", ""},
		{"id 0 is the first entry, as Argo CD counts", app, id(0), "a", ""},
		{"id 2", app, id(2), "c", ""},
		{"unknown id", app, id(7), "", "application web: history id 7 not found"},
		{"no history", &v1alpha1.Application{}, nil, "", "no history to roll back to"},
		{"one entry, no earlier one", &v1alpha1.Application{Status: v1alpha1.ApplicationStatus{History: app.Status.History[:1]}}, nil, "",
			"no earlier history entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Entry(tt.app, tt.id)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Entry = %v, %v; want error %q", got, err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || got.Revision != tt.want):
				t.Errorf("Entry = %v, %v; want revision %s", got, err, tt.want)
			}
		})
	}
}
