package sync

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// AnnotationSyncOptions holds an object's own sync options
// ("Prune=false,Validate=false"), Argo CD's argocd.argoproj.io/sync-options.
const AnnotationSyncOptions = "argocd.argoproj.io/sync-options"

// Options are sync options parsed once into typed fields: the
// application's syncPolicy.syncOptions, an operation's syncOptions, or an
// object's sync-options annotation. The names and values are Argo CD's
// (docs/user-guide/sync-options.md); an option Tiphys does not know is
// ignored, as Argo CD ignores it.
type Options struct {
	// NoPrune is Prune=false: objects are never pruned (the app stays
	// OutOfSync and the prune is reported as skipped).
	NoPrune bool
	// NoDelete is Delete=false (an object's option): the object stays when
	// its application is deleted.
	NoDelete bool
	// PruneLast is PruneLast=true: prunes run after every other prune.
	PruneLast bool
	// SkipValidation is Validate=false: fields the schema lacks are dropped
	// instead of refused.
	SkipValidation bool
	// SkipDryRunOnMissingResource lets a sync start although a kind is not
	// served yet.
	SkipDryRunOnMissingResource bool
	// Force is Force=true: a change the server refuses (an immutable
	// field) deletes the object and creates it again.
	Force bool
	// Replace is Replace=true: objects are replaced (update or create)
	// instead of applied.
	Replace bool
	// ApplyOutOfSyncOnly applies only the objects the comparison found out
	// of sync (hooks still run).
	ApplyOutOfSyncOnly bool
	// CreateNamespace creates the destination namespace first.
	CreateNamespace bool
	// FailOnSharedResource fails a sync whose objects another app tracks.
	FailOnSharedResource bool
	// RespectIgnoreDifferences keeps ignored fields at their live values
	// in syncs too, not only in comparisons.
	RespectIgnoreDifferences bool
	// PrunePropagation is PrunePropagationPolicy (foreground, the default,
	// background or orphan).
	PrunePropagation metav1.DeletionPropagation
}

// ParseOptions reads lists of "Name=value" options; a later list wins over
// an earlier one (an operation's options over the application's).
func ParseOptions(lists ...[]string) Options {
	var o Options
	for _, list := range lists {
		for _, opt := range list {
			name, value, _ := strings.Cut(strings.TrimSpace(opt), "=")
			value = strings.ToLower(strings.TrimSpace(value))
			on, off := value == "true", value == "false"
			switch strings.TrimSpace(name) {
			case "Prune":
				o.NoPrune = off
			case "Delete":
				o.NoDelete = off
			case "PruneLast":
				o.PruneLast = on
			case "Validate":
				o.SkipValidation = off
			case "SkipDryRunOnMissingResource":
				o.SkipDryRunOnMissingResource = on
			case "Force":
				o.Force = on
			case "Replace":
				o.Replace = on
			case "ApplyOutOfSyncOnly":
				o.ApplyOutOfSyncOnly = on
			case "CreateNamespace":
				o.CreateNamespace = on
			case "FailOnSharedResource":
				o.FailOnSharedResource = on
			case "RespectIgnoreDifferences":
				o.RespectIgnoreDifferences = on
			case "PrunePropagationPolicy":
				switch value {
				case "background":
					o.PrunePropagation = metav1.DeletePropagationBackground
				case "orphan":
					o.PrunePropagation = metav1.DeletePropagationOrphan
				case "foreground":
					o.PrunePropagation = metav1.DeletePropagationForeground
				}
			}
		}
	}
	return o
}

// helmResourcePolicy is Helm's annotation that keeps an object when its
// release goes; its value "keep" means Delete=false to Argo CD too.
const helmResourcePolicy = "helm.sh/resource-policy"

// ObjectOptions are the options of an object's sync-options annotation,
// with Delete=false for an object that Helm's resource policy keeps.
func ObjectOptions(obj *unstructured.Unstructured) Options {
	ann := obj.GetAnnotations()
	o := ParseOptions(strings.Split(ann[AnnotationSyncOptions], ","))
	for _, p := range strings.Split(ann[helmResourcePolicy], ",") {
		if strings.TrimSpace(p) == "keep" {
			o.NoDelete = true
		}
	}
	return o
}

// merge is o with the options set in obj turned on as well: an object's
// annotation adds to the application's options, it never turns one off.
func (o Options) merge(obj Options) Options {
	o.NoPrune = o.NoPrune || obj.NoPrune
	o.PruneLast = o.PruneLast || obj.PruneLast
	o.SkipValidation = o.SkipValidation || obj.SkipValidation
	o.SkipDryRunOnMissingResource = o.SkipDryRunOnMissingResource || obj.SkipDryRunOnMissingResource
	o.Force = o.Force || obj.Force
	o.Replace = o.Replace || obj.Replace
	return o
}
