package main

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// traceApps logs every change of an Application's sync, health or
// operation (with -log) until ctx ends: where the cold sync waits shows in
// the log, beside the controllers' lines.
func traceApps(ctx context.Context, c client.WithWatch, log logr.Logger) error {
	w, err := c.Watch(ctx, &v1alpha1.ApplicationList{}, client.InNamespace(appNamespace))
	if err != nil {
		return fmt.Errorf("trace applications: %w", err)
	}
	last := map[string]string{}
	go func() {
		defer w.Stop()
		for ev := range w.ResultChan() {
			a, ok := ev.Object.(*v1alpha1.Application)
			if !ok {
				continue
			}
			st := a.Status
			line := fmt.Sprintf("%s %s %s", st.Sync.Status, st.Health.Status, st.Health.Message)
			if op := st.OperationState; op != nil {
				line += fmt.Sprintf(" | operation %s started %s: %s", op.Phase, op.StartedAt.Format(time.TimeOnly), op.Message)
			}
			for _, cond := range st.Conditions {
				line += fmt.Sprintf(" | %s: %s", cond.Type, cond.Message)
			}
			if a.Operation != nil {
				line += " | operation requested"
			}
			if last[a.Name] == line {
				continue
			}
			last[a.Name] = line
			log.Info("application", "app", a.Name, "status", line)
		}
	}()
	return nil
}
