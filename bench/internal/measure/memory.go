package measure

import (
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Memory is the memory of this process (the controllers running in it,
// and the benchmark's own clients) while it was sampled.
type Memory struct {
	// PeakHeapInUse is the largest Go heap in use seen (runtime.MemStats
	// HeapInuse, sampled), garbage not yet collected included.
	PeakHeapInUse uint64
	// PeakRSS is the largest resident set of the process since it
	// started (getrusage's ru_maxrss), so not only of the sampled window.
	PeakRSS uint64
}

// MemorySampler reads the heap at a fixed interval until stopped.
type MemorySampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

// SampleMemory starts reading the heap every interval.
func SampleMemory(every time.Duration) *MemorySampler {
	s := &MemorySampler{stop: make(chan struct{})}
	s.sample()
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *MemorySampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.peak = max(s.peak, m.HeapInuse)
}

// Stop ends the sampling and returns the peaks.
func (s *MemorySampler) Stop() Memory {
	close(s.stop)
	s.done.Wait()
	s.sample()
	out := Memory{PeakHeapInUse: s.peak}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		out.PeakRSS = uint64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return out
}
