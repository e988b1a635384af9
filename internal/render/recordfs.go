package render

import (
	"io/fs"
	"sort"
	"sync"
)

// readOp is how a render touched a path.
type readOp uint8

const (
	opStat readOp = iota // existence and type only
	opList               // the names in a directory
	opRead               // the content of a file
)

// read is one path a render touched in one of its file systems.
type read struct {
	fsys string // "" for the source repository, else the ref name
	path string
	op   readOp
}

// recordFS records every path a render touches, so that the cache knows
// exactly which inputs a render depended on.
type recordFS struct {
	fs.FS
	id  string
	log *readLog
}

type readLog struct {
	mu    sync.Mutex
	reads map[read]bool
}

func (l *readLog) add(r read) {
	l.mu.Lock()
	l.reads[r] = true
	l.mu.Unlock()
}

// sorted returns the reads in a stable order.
func (l *readLog) sorted() []read {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]read, 0, len(l.reads))
	for r := range l.reads {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].fsys != out[j].fsys {
			return out[i].fsys < out[j].fsys
		}
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].op < out[j].op
	})
	return out
}

func (r *recordFS) Open(name string) (fs.File, error) {
	f, err := r.FS.Open(name)
	op := opRead
	if err == nil {
		if info, serr := f.Stat(); serr == nil && info.IsDir() {
			op = opList
		}
	} else {
		op = opStat
	}
	r.log.add(read{fsys: r.id, path: name, op: op})
	return f, err
}

func (r *recordFS) ReadFile(name string) ([]byte, error) {
	r.log.add(read{fsys: r.id, path: name, op: opRead})
	return fs.ReadFile(r.FS, name)
}

func (r *recordFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r.log.add(read{fsys: r.id, path: name, op: opList})
	return fs.ReadDir(r.FS, name)
}

func (r *recordFS) Stat(name string) (fs.FileInfo, error) {
	r.log.add(read{fsys: r.id, path: name, op: opStat})
	return fs.Stat(r.FS, name)
}
