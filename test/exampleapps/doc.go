// Package exampleapps runs Argo CD's public example repository,
// argoproj/argocd-example-apps, on Tiphys as a cluster test: the
// repository's own app of apps (the Helm chart in apps/) and the examples
// it lists, each of which must end Synced and Healthy, as they do in Argo CD.
//
// The repository is not part of Tiphys (nor are its files copied here): the
// suite reads a checkout named by TIPHYS_ARGOCD_EXAMPLE_APPS and skips when
// it is unset, as a conformance suite does. Run it with
//
//	make example-apps ARGOCD_EXAMPLE_APPS=/path/to/argocd-example-apps
//
// The checkout is committed into a fresh local Git repository, and the root
// Application overrides the chart's repoURL and targetRevision with Helm
// parameters, as an Argo CD user running a fork would.
//
// TestAppOfApps checks, for the root and every example it creates: Synced
// and Healthy at the commit, every hook of the sync run and succeeded, the
// summary's URLs as Argo CD lists them; a refresh syncs nothing again; a
// sync by hand runs the hooks again; a commit that scales two examples
// moves every app to it and syncs only those two; a child deleted by hand
// is recreated by the root; deleting the root deletes every example and
// every object they created, hook objects included.
// TestStandaloneExamples runs examples as Applications of their own with
// the source options Argo CD's documentation shows. TestSkippedExamplesSayWhy
// runs the skipped ones as Applications too: each must say why it cannot
// run, naming the plugin, the dependency or the kind, and be deletable.
//
// # What is skipped
//
// An example is left out of the chart's applications list (through the
// root Application's valuesObject) when it cannot run on a local control
// plane without network, each for a reason the suite logs:
//
//   - a config management plugin (plugin-kasane, plugin-kustomized-helm,
//     plugin-nix): Tiphys runs no plugins;
//   - a Helm chart dependency that is not vendored in charts/
//     (helm-dependency, wordpress from charts.helm.sh): it needs a download;
//   - a kind that the plane does not serve (blue-green, an Argo Rollouts
//     Rollout): the suite installs no third-party CRDs or controllers.
//
// Everything else is covered: guestbook (directory), helm-guestbook (local
// chart), helm-hooks (Helm hook annotations in a directory app),
// jsonnet-guestbook, jsonnet-guestbook-tla, kustomize-guestbook,
// pre-post-sync (PreSync and PostSync Jobs), sock-shop (kustomize, an
// Ingress) and sync-waves (waves and generateName hooks), plus the
// examples' documented variants as standalone Applications.
package exampleapps
