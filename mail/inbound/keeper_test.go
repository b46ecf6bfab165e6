package inbound

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/tidings-app/tidings/store"
)

// fakeStore records the batches a keeper commits. Its first call waits for
// gate (when set), so the test can queue requests behind it; a batch that
// holds the key "poison" fails as a whole, as a database refusing one row
// would; fail, when set, fails every batch with that error.
type fakeStore struct {
	mu      sync.Mutex
	batches [][]string
	gate    chan struct{}
	entered chan struct{} // closed when the first call waits on gate
	fail    error
	nextID  int64
}

func gatedStore() *fakeStore {
	return &fakeStore{gate: make(chan struct{}), entered: make(chan struct{})}
}

func (f *fakeStore) keep(_ context.Context, ins []*store.InboundMessage) ([]bool, error) {
	if f.gate != nil {
		close(f.entered)
		<-f.gate
		f.gate = nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, len(ins))
	for i, in := range ins {
		keys[i] = in.DedupKey
	}
	f.batches = append(f.batches, keys)
	if f.fail != nil {
		return nil, f.fail
	}
	if slices.Contains(keys, "poison") {
		return nil, errors.New("invalid byte sequence")
	}
	created := make([]bool, len(ins))
	for i, in := range ins {
		f.nextID++
		in.ID, created[i] = f.nextID, true
	}
	return created, nil
}

func (f *fakeStore) seen() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

func startKeeper(t *testing.T, f *fakeStore) *keeper {
	t.Helper()
	k := newKeeper(context.Background(), 1, f.keep, func(int) {})
	k.start()
	t.Cleanup(func() { k.stop(context.Background()) })
	return k
}

// submitAsync submits a message with key and delivers its result on the
// returned channel.
func submitAsync(ctx context.Context, k *keeper, key string) <-chan stored {
	ch := make(chan stored, 1)
	go func() { ch <- k.submit(ctx, &store.InboundMessage{DedupKey: key, Raw: []byte("x")}) }()
	return ch
}

// waitQueued waits until n requests wait in the keeper's queue.
func waitQueued(k *keeper, n int) {
	for len(k.reqs) < n {
		runtime.Gosched()
	}
}

func TestKeeperCommitsWaitingMessagesTogether(t *testing.T) {
	f := gatedStore()
	k := startKeeper(t, f)
	first := submitAsync(context.Background(), k, "m0")
	<-f.entered
	var rest []<-chan stored
	for i := 1; i <= 5; i++ {
		rest = append(rest, submitAsync(context.Background(), k, fmt.Sprintf("m%d", i)))
	}
	waitQueued(k, 5)
	close(f.gate)
	for _, ch := range append(rest, first) {
		if s := <-ch; s.err != nil || !s.created || s.id == 0 {
			t.Errorf("result = %+v", s)
		}
	}
	got := f.seen()
	if len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 5 {
		t.Errorf("batches = %v, want one of 1 then one of 5", got)
	}
}

func TestKeeperRetriesAloneAfterFailedBatch(t *testing.T) {
	f := gatedStore()
	k := startKeeper(t, f)
	first := submitAsync(context.Background(), k, "m0")
	<-f.entered
	chs := map[string]<-chan stored{}
	for _, key := range []string{"a", "poison", "b"} {
		chs[key] = submitAsync(context.Background(), k, key)
	}
	waitQueued(k, 3)
	close(f.gate)
	<-first
	for key, ch := range chs {
		s := <-ch
		if (s.err != nil) != (key == "poison") || (key != "poison" && !s.created) {
			t.Errorf("%s: result %+v", key, s)
		}
	}
	if s := k.submit(context.Background(), &store.InboundMessage{DedupKey: "after"}); s.err != nil || !s.created {
		t.Errorf("next batch after the failure: %+v", s)
	}
	got := f.seen()
	// m0; the failed batch; each of its three alone; the next message.
	if len(got) != 6 || len(got[1]) != 3 || !slices.Equal(got[5], []string{"after"}) {
		t.Errorf("batches = %v", got)
	}
}

func TestKeeperUnavailableFailsTheBatchOnly(t *testing.T) {
	f := gatedStore()
	f.fail = fmt.Errorf("store: transaction: %w", store.ErrUnavailable)
	k := startKeeper(t, f)
	first := submitAsync(context.Background(), k, "m0")
	<-f.entered
	a, b := submitAsync(context.Background(), k, "a"), submitAsync(context.Background(), k, "b")
	waitQueued(k, 2)
	close(f.gate)
	for _, ch := range []<-chan stored{first, a, b} {
		if s := <-ch; !errors.Is(s.err, store.ErrUnavailable) {
			t.Errorf("result = %+v, want ErrUnavailable", s)
		}
	}
	if got := f.seen(); len(got) != 2 || len(got[1]) != 2 {
		t.Errorf("batches = %v: an unavailable database is not retried message by message", got)
	}
	f.mu.Lock()
	f.fail = nil
	f.mu.Unlock()
	if s := k.submit(context.Background(), &store.InboundMessage{DedupKey: "c"}); s.err != nil || !s.created {
		t.Errorf("after the database is back: %+v", s)
	}
}

func TestKeeperSkipsSessionsThatStoppedWaiting(t *testing.T) {
	f := gatedStore()
	k := startKeeper(t, f)
	first := submitAsync(context.Background(), k, "m0")
	<-f.entered
	ctx, cancel := context.WithCancel(context.Background())
	gone := submitAsync(ctx, k, "gone")
	waitQueued(k, 1)
	kept := submitAsync(context.Background(), k, "kept")
	waitQueued(k, 2)
	cancel()
	if s := <-gone; !errors.Is(s.err, context.Canceled) {
		t.Errorf("cancelled session: %+v", s)
	}
	close(f.gate)
	<-first
	if s := <-kept; s.err != nil {
		t.Errorf("kept: %+v", s)
	}
	if got := f.seen(); len(got) != 2 || !slices.Equal(got[1], []string{"kept"}) {
		t.Errorf("batches = %v: a session that gave up is not stored", got)
	}
}

func TestKeeperStopped(t *testing.T) {
	f := &fakeStore{}
	k := newKeeper(context.Background(), 1, f.keep, func(int) {})
	if err := k.stop(context.Background()); err != nil {
		t.Fatalf("stop before start: %v", err)
	}
	k.start() // no-op after stop
	if s := k.submit(context.Background(), &store.InboundMessage{DedupKey: "late"}); !errors.Is(s.err, errShutdown) {
		t.Errorf("submit after stop = %+v, want errShutdown", s)
	}
	if len(f.seen()) != 0 {
		t.Errorf("a stopped keeper stored %v", f.seen())
	}
}
