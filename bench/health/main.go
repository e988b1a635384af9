// Command health measures the built-in health checks, which run on the
// controller's hot path (every comparison and every sync wave): N live
// objects of the kinds a platform runs (Deployments, Pods, CronJobs, HPAs,
// cert-manager Certificates, ExternalSecrets, and a kind with only the
// generic check), assessed one after the other, beside the same objects
// through a Lua customization as argocd-cm would give them. It prints
// objects per second and the time per thousand objects.
//
//	go run ./bench/health -objects 5000
package main

import (
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/internal/health"
)

// shapes are one live object of each kind measured.
var shapes = []string{
	`{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, generation: 2}, spec: {replicas: 2},
	  status: {observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2}}`,
	`{apiVersion: v1, kind: Pod, metadata: {name: web-1}, spec: {restartPolicy: Always},
	  status: {phase: Running, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: web, ready: true, state: {running: {}}}]}}`,
	`{apiVersion: batch/v1, kind: CronJob, metadata: {name: drift}, status: {lastScheduleTime: "2026-11-30T10:05:00Z", lastSuccessfulTime: "2026-11-30T10:05:20Z"}}`,
	`{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: web}, status: {conditions: [{type: AbleToScale, status: "True", message: ok}]}}`,
	`{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: tls}, status: {conditions: [{type: Ready, status: "True", message: up to date}]}}`,
	`{apiVersion: external-secrets.io/v1, kind: ExternalSecret, metadata: {name: db}, status: {conditions: [{type: Ready, status: "True", message: synced}]}}`,
	`{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, status: {conditions: [{type: Ready, status: "True"}]}}`,
}

const luaCheck = `hs = {status = "Progressing", message = ""}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for i, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" and c.status == "True" then hs = {status = "Healthy", message = c.message or ""} end
  end
end
return hs`

func main() {
	n := flag.Int("objects", 5000, "number of objects")
	flag.Parse()
	objs := make([]*unstructured.Unstructured, 0, *n)
	for i := 0; len(objs) < *n; i++ {
		u := &unstructured.Unstructured{}
		b, err := yaml.YAMLToJSON([]byte(shapes[i%len(shapes)]))
		if err == nil {
			err = u.UnmarshalJSON(b)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "health bench:", err)
			os.Exit(1)
		}
		u.SetName(fmt.Sprintf("%s-%d", u.GetName(), i))
		objs = append(objs, u)
	}
	lua, err := health.LuaOverrides(map[string]string{"resource.customizations.health.example.com_Widget": luaCheck,
		"resource.customizations.health.cert-manager.io_Certificate": luaCheck})
	if err != nil {
		fmt.Fprintln(os.Stderr, "health bench:", err)
		os.Exit(1)
	}
	measure := func(o health.Overrides) time.Duration {
		start := time.Now()
		for _, obj := range objs {
			if _, err := health.Of(obj, o); err != nil {
				fmt.Fprintln(os.Stderr, "health bench:", err)
				os.Exit(1)
			}
		}
		return time.Since(start)
	}
	measure(nil) // warm up
	builtIn, withLua := measure(nil), measure(lua)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "health of %d objects (%d kinds)\t built-in checks\t2 of 7 kinds by Lua\t\n", *n, len(shapes))
	row := func(name string, f func(time.Duration) string) {
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", name, f(builtIn), f(withLua))
	}
	row("objects per second", func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(*n)/d.Seconds()) })
	row("per thousand objects", func(d time.Duration) string {
		return (d * 1000 / time.Duration(*n)).Round(time.Microsecond).String()
	})
	row("target per thousand objects", func(time.Duration) string { return "well under 1s" })
	_ = w.Flush()
}
