package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// ApplicationSources is a list of sources.
type ApplicationSources []ApplicationSource

// ApplicationSource is where manifests come from and how they are rendered.
type ApplicationSource struct {
	// RepoURL is a Git repository or Helm chart repository URL.
	RepoURL string `json:"repoURL"`
	// Path is the directory in a Git repository.
	// +optional
	Path string `json:"path,omitempty"`
	// TargetRevision is a Git revision (branch, tag, SHA, HEAD) or a Helm chart version.
	// +optional
	TargetRevision string `json:"targetRevision,omitempty"`
	// Helm options.
	// +optional
	Helm *ApplicationSourceHelm `json:"helm,omitempty"`
	// Kustomize options.
	// +optional
	Kustomize *ApplicationSourceKustomize `json:"kustomize,omitempty"`
	// Directory options.
	// +optional
	Directory *ApplicationSourceDirectory `json:"directory,omitempty"`
	// Plugin options.
	// +optional
	Plugin *ApplicationSourcePlugin `json:"plugin,omitempty"`
	// Chart is a Helm chart name, for chart repositories.
	// +optional
	Chart string `json:"chart,omitempty"`
	// Ref names this source so other sources can read its files as $ref/path.
	// +optional
	Ref string `json:"ref,omitempty"`
	// Name of the source, used to address it in multi-source applications.
	// +optional
	Name string `json:"name,omitempty"`
}

// ApplicationSourceType is the rendering tool of a source.
type ApplicationSourceType string

// Source types as Argo CD names them.
const (
	ApplicationSourceTypeHelm      ApplicationSourceType = "Helm"
	ApplicationSourceTypeKustomize ApplicationSourceType = "Kustomize"
	ApplicationSourceTypeDirectory ApplicationSourceType = "Directory"
	ApplicationSourceTypePlugin    ApplicationSourceType = "Plugin"
)

// ApplicationSourceHelm holds Helm options.
type ApplicationSourceHelm struct {
	// ValueFiles are values files, relative to the chart or as $ref/path.
	// +optional
	ValueFiles []string `json:"valueFiles,omitempty"`
	// Parameters override single values (--set).
	// +optional
	Parameters []HelmParameter `json:"parameters,omitempty"`
	// ReleaseName is the Helm release name (default: the application name).
	// +optional
	ReleaseName string `json:"releaseName,omitempty"`
	// Values is a YAML block of values.
	// +optional
	Values string `json:"values,omitempty" patchStrategy:"replace"`
	// FileParameters set values from files (--set-file).
	// +optional
	FileParameters []HelmFileParameter `json:"fileParameters,omitempty"`
	// Version is the Helm major version to use ("v3").
	// +optional
	Version string `json:"version,omitempty"`
	// PassCredentials passes repository credentials to every domain (--pass-credentials).
	// +optional
	PassCredentials bool `json:"passCredentials,omitempty"`
	// IgnoreMissingValueFiles skips value files that do not exist.
	// +optional
	IgnoreMissingValueFiles bool `json:"ignoreMissingValueFiles,omitempty"`
	// SkipCrds leaves the chart's crds/ directory out.
	// +optional
	SkipCrds bool `json:"skipCrds,omitempty"`
	// ValuesObject is values as a structured object; it wins over Values.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	ValuesObject *runtime.RawExtension `json:"valuesObject,omitempty"`
	// Namespace is the release namespace (default: the destination namespace).
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// KubeVersion is the Kubernetes version templates see (default: the destination's).
	// +optional
	KubeVersion string `json:"kubeVersion,omitempty"`
	// APIVersions are the API versions templates see (default: the destination's).
	// +optional
	APIVersions []string `json:"apiVersions,omitempty"`
	// SkipTests leaves out test hooks.
	// +optional
	SkipTests bool `json:"skipTests,omitempty"`
	// SkipSchemaValidation skips values.schema.json.
	// +optional
	SkipSchemaValidation bool `json:"skipSchemaValidation,omitempty"`
}

// HelmParameter is one --set value.
type HelmParameter struct {
	// Name is the value's path.
	// +optional
	Name string `json:"name,omitempty"`
	// Value to set.
	// +optional
	Value string `json:"value,omitempty"`
	// ForceString keeps the value a string (--set-string).
	// +optional
	ForceString bool `json:"forceString,omitempty"`
}

// HelmFileParameter is one --set-file value.
type HelmFileParameter struct {
	// Name is the value's path.
	// +optional
	Name string `json:"name,omitempty"`
	// Path of the file whose content is the value.
	// +optional
	Path string `json:"path,omitempty"`
}

// ApplicationSourceKustomize holds Kustomize options.
type ApplicationSourceKustomize struct {
	// NamePrefix is prepended to every name.
	// +optional
	NamePrefix string `json:"namePrefix,omitempty"`
	// NameSuffix is appended to every name.
	// +optional
	NameSuffix string `json:"nameSuffix,omitempty"`
	// Images override image names, tags and digests.
	// +optional
	Images KustomizeImages `json:"images,omitempty"`
	// CommonLabels are added to every object.
	// +optional
	CommonLabels map[string]string `json:"commonLabels,omitempty"`
	// Version is a named Kustomize version from argocd-cm.
	// +optional
	Version string `json:"version,omitempty"`
	// CommonAnnotations are added to every object.
	// +optional
	CommonAnnotations map[string]string `json:"commonAnnotations,omitempty"`
	// ForceCommonLabels overrides labels that already exist.
	// +optional
	ForceCommonLabels bool `json:"forceCommonLabels,omitempty"`
	// ForceCommonAnnotations overrides annotations that already exist.
	// +optional
	ForceCommonAnnotations bool `json:"forceCommonAnnotations,omitempty"`
	// Namespace sets the namespace of every namespaced object.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// CommonAnnotationsEnvsubst substitutes ${ARGOCD_APP_*} variables in annotation values.
	// +optional
	CommonAnnotationsEnvsubst bool `json:"commonAnnotationsEnvsubst,omitempty"`
	// Replicas override replica counts by object name.
	// +optional
	Replicas KustomizeReplicas `json:"replicas,omitempty"`
	// Patches are added to the kustomization.
	// +optional
	Patches KustomizePatches `json:"patches,omitempty"`
	// Components are added to the kustomization.
	// +optional
	Components []string `json:"components,omitempty"`
	// LabelWithoutSelector applies CommonLabels without adding them to selectors.
	// +optional
	LabelWithoutSelector bool `json:"labelWithoutSelector,omitempty"`
	// KubeVersion is the Kubernetes version seen by Helm charts inside the kustomization.
	// +optional
	KubeVersion string `json:"kubeVersion,omitempty"`
	// APIVersions are the API versions seen by Helm charts inside the kustomization.
	// +optional
	APIVersions []string `json:"apiVersions,omitempty"`
	// IgnoreMissingComponents skips components that do not exist.
	// +optional
	IgnoreMissingComponents bool `json:"ignoreMissingComponents,omitempty"`
	// LabelIncludeTemplates also labels pod templates when LabelWithoutSelector is set.
	// +optional
	LabelIncludeTemplates bool `json:"labelIncludeTemplates,omitempty"`
}

// KustomizeImages are image overrides such as "nginx=nginx:1.27".
type KustomizeImages []KustomizeImage

// KustomizeImage is one image override.
type KustomizeImage string

// KustomizeReplicas are replica overrides.
type KustomizeReplicas []KustomizeReplica

// KustomizeReplica sets the replica count of the objects with a name.
type KustomizeReplica struct {
	// Name of the objects.
	Name string `json:"name"`
	// Count of replicas, a number or a string holding one.
	Count intstr.IntOrString `json:"count"`
}

// KustomizePatches are patches.
type KustomizePatches []KustomizePatch

// KustomizePatch is a strategic-merge or JSON 6902 patch.
type KustomizePatch struct {
	// Path of a patch file.
	// +optional
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Patch inline.
	// +optional
	Patch string `json:"patch,omitempty" yaml:"patch,omitempty"`
	// Target selects the objects to patch.
	// +optional
	Target *KustomizeSelector `json:"target,omitempty" yaml:"target,omitempty"`
	// Options such as allowNameChange and allowKindChange.
	// +optional
	Options map[string]bool `json:"options,omitempty" yaml:"options,omitempty"`
}

// KustomizeSelector selects objects by identity, labels and annotations.
type KustomizeSelector struct {
	KustomizeResID `json:",inline,omitempty" yaml:",inline,omitempty"`
	// AnnotationSelector is an annotation selector.
	// +optional
	AnnotationSelector string `json:"annotationSelector,omitempty" yaml:"annotationSelector,omitempty"`
	// LabelSelector is a label selector.
	// +optional
	LabelSelector string `json:"labelSelector,omitempty" yaml:"labelSelector,omitempty"`
}

// KustomizeResID is an object identity: group, version, kind, name and namespace.
type KustomizeResID struct {
	KustomizeGvk `json:",inline,omitempty" yaml:",inline,omitempty"`
	// Name of the object.
	// +optional
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace of the object.
	// +optional
	Namespace string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
}

// KustomizeGvk is a group, version and kind.
type KustomizeGvk struct {
	// Group of the kind.
	// +optional
	Group string `json:"group,omitempty" yaml:"group,omitempty"`
	// Version of the kind.
	// +optional
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	// Kind name.
	// +optional
	Kind string `json:"kind,omitempty" yaml:"kind,omitempty"`
}

// ApplicationSourceDirectory holds options for plain manifest directories.
type ApplicationSourceDirectory struct {
	// Recurse reads subdirectories too.
	// +optional
	Recurse bool `json:"recurse,omitempty"`
	// Jsonnet options for .jsonnet files.
	// +optional
	Jsonnet ApplicationSourceJsonnet `json:"jsonnet,omitempty"`
	// Exclude is a glob ({a,b} allowed) of files to leave out; it wins over Include.
	// +optional
	Exclude string `json:"exclude,omitempty"`
	// Include is a glob ({a,b} allowed) of files to read.
	// +optional
	Include string `json:"include,omitempty"`
}

// ApplicationSourceJsonnet holds Jsonnet options.
type ApplicationSourceJsonnet struct {
	// ExtVars are external variables.
	// +optional
	ExtVars []JsonnetVar `json:"extVars,omitempty"`
	// TLAs are top-level arguments.
	// +optional
	TLAs []JsonnetVar `json:"tlas,omitempty"`
	// Libs are library search paths.
	// +optional
	Libs []string `json:"libs,omitempty"`
}

// JsonnetVar is a Jsonnet variable.
type JsonnetVar struct {
	// Name of the variable.
	Name string `json:"name"`
	// Value of the variable.
	Value string `json:"value"`
	// Code evaluates Value as Jsonnet code instead of a string.
	// +optional
	Code bool `json:"code,omitempty"`
}

// ApplicationSourcePlugin holds config management plugin options.
type ApplicationSourcePlugin struct {
	// Name of the plugin.
	// +optional
	Name string `json:"name,omitempty"`
	// Env are environment variables for the plugin.
	// +optional
	Env Env `json:"env,omitempty"`
	// Parameters for the plugin.
	// +optional
	Parameters ApplicationSourcePluginParameters `json:"parameters,omitempty"`
}

// Env is a list of environment variables.
type Env []*EnvEntry

// EnvEntry is one environment variable.
type EnvEntry struct {
	// Name of the variable.
	Name string `json:"name"`
	// Value of the variable.
	Value string `json:"value"`
}

// ApplicationSourcePluginParameters are plugin parameters.
type ApplicationSourcePluginParameters []ApplicationSourcePluginParameter

// ApplicationSourcePluginParameter is a plugin parameter: a string, a map or an array.
type ApplicationSourcePluginParameter struct {
	// Name of the parameter.
	// +optional
	Name string `json:"name,omitempty"`
	// String value.
	// +optional
	String *string `json:"string,omitempty"`
	// Map value; an empty map is kept apart from no map.
	// +optional
	Map *PluginParameterMap `json:"map,omitempty"`
	// Array value; an empty array is kept apart from no array.
	// +optional
	Array *PluginParameterArray `json:"array,omitempty"`
}

// PluginParameterMap is the map value of a plugin parameter.
type PluginParameterMap map[string]string

// PluginParameterArray is the array value of a plugin parameter.
type PluginParameterArray []string
