package localcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options configure a plane.
type Options struct {
	// Dir is the state directory; it is created if missing.
	Dir string
	// BinDir holds etcd, kube-apiserver, kube-controller-manager,
	// kube-scheduler, kwok and kwok-stages/ (make tools puts them in bin/).
	BinDir string
	// Nodes is the number of kwok nodes (default 1).
	Nodes int
	// StartTimeout bounds the wait for each program to become ready (default 2m).
	StartTimeout time.Duration
	// ExtraArgs are added to a program's arguments, by program name.
	ExtraArgs map[string][]string
	// Logf receives progress lines; nil discards them.
	Logf func(format string, args ...any)
}

func (o *Options) defaults() error {
	if o.Dir == "" {
		return errors.New("local cluster: no state directory")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return fmt.Errorf("local cluster: state directory %q: %w", o.Dir, err)
	}
	o.Dir = dir
	if o.BinDir == "" {
		return errors.New("local cluster: no binary directory")
	}
	if o.Nodes <= 0 {
		o.Nodes = 1
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 2 * time.Minute
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return nil
}

// Cluster is a running plane.
type Cluster struct {
	opts Options
	// Kubeconfig is the path of the admin kubeconfig.
	Kubeconfig string
	// Config is a client configuration for the admin user.
	Config *rest.Config

	procs []*process
	comps map[string]component
	done  chan struct{}

	mu       sync.Mutex
	err      error
	stopping bool
	stopOnce sync.Once
}

// Start starts a plane in opts.Dir and returns once it is ready: the API
// answers, the nodes are Ready and the default ServiceAccount exists. On
// error, everything it started is stopped again.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	for _, d := range []string{"", "logs", "pids"} {
		if err := os.MkdirAll(filepath.Join(opts.Dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("local cluster: create %s: %w", filepath.Join(opts.Dir, d), err)
		}
	}
	if err := claim(opts.Dir); err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, Kubeconfig: filepath.Join(opts.Dir, "kubeconfig"), done: make(chan struct{}),
		comps: map[string]component{}}
	if err := c.start(ctx); err != nil {
		c.Stop()
		return nil, fmt.Errorf("local cluster in %s: %w", opts.Dir, err)
	}
	if err := os.WriteFile(readyPath(opts.Dir), []byte(c.Kubeconfig+"\n"), 0o600); err != nil {
		c.Stop()
		return nil, fmt.Errorf("local cluster: write ready marker: %w", err)
	}
	go c.supervise()
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	o := c.opts
	k, err := ensurePKI(o.Dir)
	if err != nil {
		return err
	}
	p, err := choosePorts(o.Dir)
	if err != nil {
		return err
	}
	if err := writeKubeconfig(c.Kubeconfig, p.APIServer, k); err != nil {
		return err
	}
	if c.Config, err = restConfig(c.Kubeconfig); err != nil {
		return err
	}
	stages, err := kwokStageFiles(o)
	if err != nil {
		return err
	}

	o.Logf("starting etcd on 127.0.0.1:%d", p.EtcdClient)
	if err := c.run(etcdComponent(o, p)); err != nil {
		return err
	}
	if err := c.waitFor(ctx, Etcd, etcdHealthy(p.EtcdClient)); err != nil {
		return err
	}
	o.Logf("starting kube-apiserver on https://127.0.0.1:%d", p.APIServer)
	if err := c.run(apiServerComponent(o, p, k)); err != nil {
		return err
	}
	clients, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	if err := c.waitFor(ctx, APIServer, apiReady(clients)); err != nil {
		return err
	}
	o.Logf("starting kube-controller-manager, kube-scheduler and kwok")
	for _, comp := range []component{
		controllerManagerComponent(o, k, c.Kubeconfig),
		schedulerComponent(o, c.Kubeconfig),
		kwokComponent(o, p, c.Kubeconfig, stages),
	} {
		if err := c.run(comp); err != nil {
			return err
		}
	}
	if err := ensureNodes(ctx, clients, o.Nodes); err != nil {
		return err
	}
	o.Logf("waiting for %d node(s) to be Ready", o.Nodes)
	if err := c.waitFor(ctx, Kwok, nodesReady(clients, o.Nodes)); err != nil {
		return err
	}
	return c.waitFor(ctx, ControllerManager, defaultServiceAccount(clients))
}

// run starts a component with its extra arguments.
func (c *Cluster) run(comp component) error {
	args := append(comp.args, c.opts.ExtraArgs[comp.name]...)
	p, err := startProcess(comp.name, comp.bin, args, c.opts.Dir)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.procs = append(c.procs, p)
	c.comps[comp.name] = comp
	c.mu.Unlock()
	return nil
}

// restartable are programs without state of their own: kwok rebuilds its
// view from the API server, so a crash of it is mended by starting it again
// (kwok v0.8.0 can crash on a concurrent map write at start).
var restartable = map[string]bool{Kwok: true}

// maxRestarts bounds the restarts of one program.
const maxRestarts = 5

// waitFor polls ready until it holds, a program exits, or the start timeout
// passes; the timeout error blames who, with the end of its log.
func (c *Cluster) waitFor(ctx context.Context, who string, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartTimeout)
	defer cancel()
	var last error
	for {
		for _, p := range c.procs {
			if !p.running() {
				return p.exitError()
			}
		}
		tryCtx, tryCancel := context.WithTimeout(ctx, 5*time.Second)
		last = ready(tryCtx)
		tryCancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			log := filepath.Join(c.opts.Dir, "logs", who+".log")
			return fmt.Errorf("%s not ready after %s: %w; last lines of %s:\n%s",
				who, c.opts.StartTimeout, last, log, tailFile(log, logTailLines))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// supervise waits for any program to exit; unless the plane is stopping, that
// is an error: it is recorded, the rest is stopped and Done closes.
func (c *Cluster) supervise() {
	cases := make(chan *process, len(c.procs)+maxRestarts)
	watch := func(p *process) { go func() { <-p.exited; cases <- p }() }
	for _, p := range c.procs {
		watch(p)
	}
	restarts := map[string]int{}
	for p := range cases {
		c.mu.Lock()
		stopping := c.stopping
		c.mu.Unlock()
		if stopping {
			break
		}
		if restartable[p.name] && restarts[p.name] < maxRestarts {
			restarts[p.name]++
			c.opts.Logf("%s exited (%v); restarting it (%d of %d)", p.name, p.waitErr, restarts[p.name], maxRestarts)
			c.mu.Lock()
			comp := c.comps[p.name]
			c.mu.Unlock()
			if err := c.run(comp); err == nil {
				c.mu.Lock()
				np := c.procs[len(c.procs)-1]
				c.mu.Unlock()
				watch(np)
				continue
			}
		}
		c.mu.Lock()
		c.err = p.exitError()
		c.mu.Unlock()
		break
	}
	c.Stop()
}

// Done is closed when the plane has stopped, by Stop or because a program exited.
func (c *Cluster) Done() <-chan struct{} { return c.done }

// Err says why the plane stopped: nil after Stop, else the program that exited.
func (c *Cluster) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Stop stops every program, last started first, and releases the directory.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.stopping = true
		procs := c.procs
		c.mu.Unlock()
		for i := len(procs) - 1; i >= 0; i-- {
			procs[i].stop(15 * time.Second)
		}
		_ = os.Remove(readyPath(c.opts.Dir))
		release(c.opts.Dir)
		close(c.done)
	})
	<-c.done
}

// Pid returns the process id of a running program, for tests that kill one.
func (c *Cluster) Pid(name string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if p.name == name && p.running() {
			return p.cmd.Process.Pid, true
		}
	}
	return 0, false
}

func readyPath(dir string) string { return filepath.Join(dir, "ready") }
func ownerPath(dir string) string { return filepath.Join(dir, "plane.pid") }

// claimed are the directories of the planes this process runs.
var claimed sync.Map

// claim marks dir as owned by this process, refusing a directory whose owner
// is still alive, this process included.
func claim(dir string) error {
	if _, taken := claimed.LoadOrStore(dir, true); taken {
		return fmt.Errorf("local cluster: %s is in use by this process", dir)
	}
	if pid, ok := ownerPid(dir); ok && pid != os.Getpid() {
		claimed.Delete(dir)
		return fmt.Errorf("local cluster: %s is in use by process %d (tiphys local down --dir %s)", dir, pid, dir)
	}
	_ = os.Remove(readyPath(dir))
	if err := os.WriteFile(ownerPath(dir), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		claimed.Delete(dir)
		return fmt.Errorf("local cluster: write %s: %w", ownerPath(dir), err)
	}
	return nil
}

func release(dir string) {
	defer claimed.Delete(dir)
	if pid, ok := ownerPid(dir); ok && pid == os.Getpid() {
		_ = os.Remove(ownerPath(dir))
	}
}
