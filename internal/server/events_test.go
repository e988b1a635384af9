package server

import (
	"encoding/json"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given an app with a core/v1 Event, a newer events.k8s.io/v1 Event (what
// the controller's recorder writes) and an Event on a ConfigMap of the
// same name,
// when the admin lists the app's events,
// then both of the app's Events are listed, oldest first, as core/v1
// Events, and the ConfigMap's is not.
func TestApplicationEvents(t *testing.T) {
	a := newAPI(t, unique("srv-events"))
	app := a.managingApp("web", a.namespace("srv-events-apps"))
	ref := corev1.ObjectReference{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "Application", Namespace: a.ns,
		Name: app.Name, UID: app.UID}
	earlier := metav1.NewTime(time.Now().Add(-time.Minute).Truncate(time.Second))
	a.create(
		&corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "web.started"}, InvolvedObject: ref,
			Type: "Normal", Reason: "OperationStarted", Message: "Initiated automated sync",
			FirstTimestamp: earlier, LastTimestamp: earlier, Source: corev1.EventSource{Component: "tiphys-application-controller"}},
		&eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "web.completed"}, Regarding: ref,
			EventTime: metav1.NowMicro(), Type: "Normal", Reason: "OperationCompleted", Action: "Sync",
			Note: "Sync operation succeeded", ReportingController: "tiphys-application-controller", ReportingInstance: "tiphys-0"},
		&corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "web.configmap"},
			InvolvedObject: corev1.ObjectReference{APIVersion: "v1", Kind: "ConfigMap", Namespace: a.ns, Name: app.Name, UID: "cm-uid"},
			Type:           "Normal", Reason: "Other", Message: "not the app's", FirstTimestamp: earlier, LastTimestamp: earlier})

	status, body := a.call("GET", "/api/v1/applications/web/events", a.admin(), nil)
	if status != 200 {
		t.Fatalf("events: %d %s", status, body)
	}
	var list corev1.EventList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var reasons, messages []string
	for _, e := range list.Items {
		reasons, messages = append(reasons, e.Reason), append(messages, e.Message)
	}
	if len(reasons) != 2 || reasons[0] != "OperationStarted" || reasons[1] != "OperationCompleted" ||
		messages[1] != "Sync operation succeeded" {
		t.Errorf("events %v %v, want OperationStarted then OperationCompleted:\n%s", reasons, messages, body)
	}
}

// Given an app managing Deployment api in its namespace, with an Event on
// it and one on another Deployment,
// when the admin lists the events of that resource,
// then only the Deployment's Event is listed; a resource the app does not
// manage is 404.
func TestResourceEvents(t *testing.T) {
	a := newAPI(t, unique("srv-revents"))
	apps := a.namespace("srv-revents-apps")
	a.managingApp("web", apps, v1alpha1.ResourceStatus{Group: "apps", Version: "v1", Kind: "Deployment", Namespace: apps, Name: "api"})
	at := metav1.NewTime(time.Now().Truncate(time.Second))
	for _, name := range []string{"api", "other"} {
		a.create(&corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: apps, Name: name + ".scaled"},
			InvolvedObject: corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: apps, Name: name},
			Type:           "Normal", Reason: "ScalingReplicaSet", Message: "scaled " + name, FirstTimestamp: at, LastTimestamp: at})
	}
	status, body := a.call("GET", "/api/v1/applications/web/events?resourceNamespace="+apps+"&resourceName=api", a.admin(), nil)
	var list corev1.EventList
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil || len(list.Items) != 1 || list.Items[0].Message != "scaled api" {
		t.Errorf("events of api: %d %v %s", status, err, body)
	}
	if status, body := a.call("GET", "/api/v1/applications/web/events?resourceNamespace="+apps+"&resourceName=other", a.admin(), nil); status != 404 {
		t.Errorf("events of a resource the app does not manage: %d %s, want 404", status, body)
	}
}
