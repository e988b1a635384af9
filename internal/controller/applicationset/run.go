package applicationset

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	projectctl "github.com/tiphys/tiphys/internal/controller/project"
)

// Annotations of an ApplicationSet that Tiphys reads.
const (
	// DeletionBudgetAnnotation sets the set's deletion budget ("25%", "3").
	DeletionBudgetAnnotation = "applicationset.tiphys.io/deletion-budget"
	// ConfirmDeletionsAnnotation confirms a held deletion: its value must be
	// the number of Applications the held run deletes, so that a stale
	// confirmation approves nothing larger.
	ConfirmDeletionsAnnotation = "applicationset.tiphys.io/confirm-deletions"
)

// runState carries one reconcile's findings.
type runState struct {
	set *v1alpha1.ApplicationSet
	// genErr fails the run: nothing changes.
	genErr error
	// elementErrs failed their element only.
	elementErrs []error
	// held explains deletions waiting for a confirmation.
	held string
	// applyErrs are writes that failed.
	applyErrs []error
	// apps are the set's Applications after the run, by name.
	apps map[string]*v1alpha1.Application
	// rolling is the RollingSync progress, when the set has one.
	rolling *rollout
	// created and deleted name the Applications this run made and removed.
	created, deleted []string
}

// run generates and applies; it returns when to look again.
func (r *Reconciler) run(ctx context.Context, st *runState) time.Duration {
	set := st.set
	_, refresh := set.Annotations[refreshAnnotation]
	gen, err := Generate(ctx, set, r.env(set, refresh))
	requeue := time.Duration(0)
	if hasGitGenerator(set) {
		requeue = r.GitPoll
	}
	if err != nil {
		st.genErr = err
		return 30 * time.Second
	}
	if gen.RequeueAfter > 0 && (requeue == 0 || time.Duration(gen.RequeueAfter)*time.Second < requeue) {
		requeue = time.Duration(gen.RequeueAfter) * time.Second
	}
	st.elementErrs = gen.ElementErrors
	desired := map[string]*v1alpha1.Application{}
	for _, app := range gen.Applications {
		if err := Validate(ctx, r.Client, r.Namespace, set, app); err != nil {
			st.elementErrs = append(st.elementErrs, fmt.Errorf("application %q: %w", app.Name, err))
			continue
		}
		desired[app.Name] = app
	}
	owned, err := r.owned(ctx, set)
	if err != nil {
		st.genErr = err
		return 30 * time.Second
	}
	st.apps = owned
	if set.Spec.Strategy != nil && set.Spec.Strategy.Type == "RollingSync" {
		st.rolling = planRollout(set, desired, owned)
		if st.rolling.active() && requeue == 0 || st.rolling.active() && requeue > 10*time.Second {
			requeue = 10 * time.Second
		}
	}
	r.apply(ctx, st, desired, owned)
	r.record(ctx, st)
	if refresh {
		r.clearRefresh(ctx, set)
	}
	return requeue
}

// record logs and records as events the Applications a run created and
// deleted.
func (r *Reconciler) record(ctx context.Context, st *runState) {
	log := ctrl.LoggerFrom(ctx)
	for what, list := range map[string][]string{"Created": st.created, "Deleted": st.deleted} {
		if len(list) == 0 {
			continue
		}
		msg := fmt.Sprintf("%s %d Applications: %s", strings.ToLower(what), len(list), strings.Join(list, ", "))
		log.Info(msg, "applicationset", st.set.Namespace+"/"+st.set.Name)
		if r.Recorder != nil {
			r.Recorder.Eventf(st.set, nil, "Normal", "Applications"+what, what, "%s", msg)
		}
	}
}

// refreshAnnotation asks for a fresh look at the generators' sources.
const refreshAnnotation = "argocd.argoproj.io/application-set-refresh"

func (r *Reconciler) clearRefresh(ctx context.Context, set *v1alpha1.ApplicationSet) {
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"`+refreshAnnotation+`":null}}}`))
	_ = r.Client.Patch(ctx, set.DeepCopy(), patch)
}

func hasGitGenerator(set *v1alpha1.ApplicationSet) bool {
	for _, g := range set.Spec.Generators {
		if g.Git != nil || g.Matrix != nil || g.Merge != nil {
			return true
		}
	}
	return false
}

// Validate checks a generated Application as a hand-written one is
// checked: it lives in the set's namespace (where the set finds what it
// owns), its project exists in the controller's namespace and its
// destination names one registered cluster. The controller leaves out an
// Application that fails, as a failed element.
func Validate(ctx context.Context, c client.Reader, namespace string, set *v1alpha1.ApplicationSet, app *v1alpha1.Application) error {
	if err := ValidateStatic(set, app); err != nil {
		return err
	}
	p := &v1alpha1.AppProject{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: projectctl.ProjectName(app)}, p); err != nil {
		return fmt.Errorf("project %s: %w", projectctl.ProjectName(app), err)
	}
	if _, err := cluster.FindSecret(ctx, c, namespace, app.Spec.Destination); err != nil {
		return err
	}
	return nil
}

// ValidateStatic checks what needs no cluster: the Application lives in
// the set's namespace, and its name, labels and annotations are what the
// API server accepts.
func ValidateStatic(set *v1alpha1.ApplicationSet, app *v1alpha1.Application) error {
	if app.Namespace != set.Namespace {
		return fmt.Errorf("namespace %q: generated Applications live in the set's namespace %q", app.Namespace, set.Namespace)
	}
	if errs := validation.IsDNS1123Subdomain(app.Name); len(errs) > 0 {
		return fmt.Errorf("name %q is not a valid object name: %s", app.Name, strings.Join(errs, "; "))
	}
	if errs := metav1validation.ValidateLabels(app.Labels, field.NewPath("metadata", "labels")); len(errs) > 0 {
		return fmt.Errorf("labels: %w", errs.ToAggregate())
	}
	if errs := apivalidation.ValidateAnnotations(app.Annotations, field.NewPath("metadata", "annotations")); len(errs) > 0 {
		return fmt.Errorf("annotations: %w", errs.ToAggregate())
	}
	return nil
}

// owned lists the Applications the set owns, by name.
func (r *Reconciler) owned(ctx context.Context, set *v1alpha1.ApplicationSet) (map[string]*v1alpha1.Application, error) {
	var list v1alpha1.ApplicationList
	if err := r.Client.List(ctx, &list, client.InNamespace(set.Namespace)); err != nil {
		return nil, fmt.Errorf("list applications in %s: %w", set.Namespace, err)
	}
	out := map[string]*v1alpha1.Application{}
	for i := range list.Items {
		a := &list.Items[i]
		for _, ref := range a.OwnerReferences {
			if ref.UID == set.UID {
				out[a.Name] = a
			}
		}
	}
	return out, nil
}

// policy is what the set may do: the controller's, or the set's own when
// overrides are allowed.
func (r *Reconciler) policy(set *v1alpha1.ApplicationSet) (create, update, remove bool) {
	p := r.Policy
	if r.PolicyOverride && set.Spec.SyncPolicy != nil && set.Spec.SyncPolicy.ApplicationsSync != nil {
		p = *set.Spec.SyncPolicy.ApplicationsSync
	}
	switch p {
	case "create-only":
		return true, false, false
	case "create-update":
		return true, true, false
	case "create-delete":
		return true, false, true
	}
	return true, true, true
}

// budget is how many of n Applications one run may delete.
func (r *Reconciler) budget(set *v1alpha1.ApplicationSet, n int) (int, error) {
	share := r.DeletionBudget
	if v, ok := set.Annotations[DeletionBudgetAnnotation]; ok {
		if pct, isPct := strings.CutSuffix(v, "%"); isPct {
			f, err := strconv.ParseFloat(pct, 64)
			if err != nil || f < 0 || f > 100 {
				return 0, fmt.Errorf("annotation %s: %q is not a percentage from 0%% to 100%%", DeletionBudgetAnnotation, v)
			}
			share = f / 100
		} else {
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 {
				return 0, fmt.Errorf("annotation %s: %q is not a count or a percentage", DeletionBudgetAnnotation, v)
			}
			return k, nil
		}
	}
	return int(math.Floor(share * float64(n))), nil
}

// names lists map keys sorted, for messages.
func names[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
