package render

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// renderKustomize builds the kustomization in dir with kustomize's API on a
// file system that reads the repository lazily, after applying the
// application's overrides to the kustomization as `kustomize edit` would.
func renderKustomize(ctx context.Context, req Request, env *BuildEnv, dir string) ([]*unstructured.Unstructured, error) {
	fsys := newLazyFS(req.Repo, req.Limits.MaxFileSize)
	root := path.Join(repoMount, dir)
	if opts := req.Source.Kustomize; opts != nil {
		if err := applyKustomizeOverrides(fsys, req, env, root, opts); err != nil {
			return nil, err
		}
	}
	if err := resolveRemoteBases(ctx, fsys, req, root); err != nil {
		return nil, err
	}
	out, err := withDeadline(ctx, func() ([]byte, error) {
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, root)
		if err != nil {
			return nil, err
		}
		return m.AsYaml()
	})
	fsys.mu.Lock()
	escape, readErr := fsys.escape, fsys.readErr
	fsys.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("kustomize build: %w", ctx.Err())
	case escape != nil:
		return nil, fmt.Errorf("kustomize: %w", escape)
	case err != nil && readErr != nil:
		return nil, fmt.Errorf("kustomize build: %w (reading %v)", err, readErr)
	case err != nil:
		return nil, fmt.Errorf("kustomize build: %s", strings.ReplaceAll(err.Error(), repoMount+"/", ""))
	}
	objs, err := ParseManifests(out)
	if err != nil {
		return nil, fmt.Errorf("kustomize output: %w", err)
	}
	return objs, nil
}

// applyKustomizeOverrides edits the kustomization in memory with the
// application's kustomize options, build variables expanded where Argo CD
// expands them: images, common labels, and common annotations with
// commonAnnotationsEnvsubst.
func applyKustomizeOverrides(fsys *lazyFS, req Request, env *BuildEnv, root string, o *v1alpha1.ApplicationSourceKustomize) error {
	name := kustomizationFile(req.Repo, strings.TrimPrefix(strings.TrimPrefix(root, repoMount), "/"))
	if name == "" {
		return fmt.Errorf("no kustomization file")
	}
	file := path.Join(root, name)
	data, err := fsys.ReadFile(file)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var k types.Kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if o.NamePrefix != "" {
		k.NamePrefix = o.NamePrefix
	}
	if o.NameSuffix != "" {
		k.NameSuffix = o.NameSuffix
	}
	if o.Namespace != "" {
		k.Namespace = o.Namespace
	}
	for _, img := range o.Images {
		setImage(&k, env.Expand(string(img)))
	}
	if len(o.CommonLabels) > 0 {
		if o.LabelWithoutSelector {
			k.Labels = append(k.Labels, types.Label{Pairs: env.expandValues(o.CommonLabels), IncludeTemplates: o.LabelIncludeTemplates})
		} else {
			if k.CommonLabels == nil {
				k.CommonLabels = map[string]string{}
			}
			if err := mergeLabels(k.CommonLabels, env.expandValues(o.CommonLabels), o.ForceCommonLabels, "label"); err != nil {
				return err
			}
		}
	}
	if len(o.CommonAnnotations) > 0 {
		if k.CommonAnnotations == nil {
			k.CommonAnnotations = map[string]string{}
		}
		anns := o.CommonAnnotations
		if o.CommonAnnotationsEnvsubst {
			anns = env.expandValues(anns)
		}
		if err := mergeLabels(k.CommonAnnotations, anns, o.ForceCommonAnnotations, "annotation"); err != nil {
			return err
		}
	}
	for _, r := range o.Replicas {
		count := int64(r.Count.IntValue())
		replaced := false
		for i := range k.Replicas {
			if k.Replicas[i].Name == r.Name {
				k.Replicas[i].Count, replaced = count, true
			}
		}
		if !replaced {
			k.Replicas = append(k.Replicas, types.Replica{Name: r.Name, Count: count})
		}
	}
	for _, p := range o.Patches {
		patch := types.Patch{Path: p.Path, Patch: p.Patch}
		if p.Target != nil {
			patch.Target = &types.Selector{AnnotationSelector: p.Target.AnnotationSelector, LabelSelector: p.Target.LabelSelector}
			patch.Target.Group, patch.Target.Version, patch.Target.Kind = p.Target.Group, p.Target.Version, p.Target.Kind
			patch.Target.Name, patch.Target.Namespace = p.Target.Name, p.Target.Namespace
		}
		if len(p.Options) > 0 {
			patch.Options = &types.PatchArgs{
				AllowNameChange: p.Options["allowNameChange"],
				AllowKindChange: p.Options["allowKindChange"],
			}
		}
		k.Patches = append(k.Patches, patch)
	}
	for _, c := range o.Components {
		if o.IgnoreMissingComponents && !fsys.Exists(path.Join(root, c)) {
			continue
		}
		k.Components = append(k.Components, c)
	}
	out, err := yaml.Marshal(&k)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fsys.FileSystem.WriteFile(file, out)
}

// setImage applies one image override, "[old=]new[:tag][@digest]", as
// `kustomize edit set image` does.
func setImage(k *types.Kustomization, spec string) {
	old, target, hasOld := strings.Cut(spec, "=")
	if !hasOld {
		target = old
	}
	img := types.Image{}
	if name, digest, ok := strings.Cut(target, "@"); ok {
		target, img.Digest = name, digest
	}
	if i := strings.LastIndex(target, ":"); i > strings.LastIndex(target, "/") {
		target, img.NewTag = target[:i], target[i+1:]
	}
	if hasOld {
		img.Name, img.NewName = old, target
		if old == target {
			img.NewName = ""
		}
	} else {
		img.Name = target
	}
	for i := range k.Images {
		if k.Images[i].Name == img.Name {
			k.Images[i] = img
			return
		}
	}
	k.Images = append(k.Images, img)
}

func mergeLabels(dst, src map[string]string, force bool, what string) error {
	keys := make([]string, 0, len(src))
	for key := range src {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if old, ok := dst[key]; ok && old != src[key] && !force {
			return fmt.Errorf("kustomize common %s %q is already set in the kustomization (set force to override)", what, key)
		}
		dst[key] = src[key]
	}
	return nil
}
