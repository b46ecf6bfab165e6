package inbound

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/emersion/go-smtp"
	"golang.org/x/sync/semaphore"
)

// Memory held per message while it is received: the first spillAt bytes
// (256 KiB) stay in memory (most replies are a few KiB), the rest goes to an
// unlinked temporary file until the keeper commits the message.
const (
	spillAt   = 256 << 10
	readChunk = 64 << 10
	headLimit = 64 << 10 // bytes of the header kept for reading Message-ID
)

// replyBusy answers a message when the in-flight byte budget is spent.
var replyBusy = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1},
	Message: "Insufficient system storage, please try again later"}

// budget is the receiver-wide cap on the bytes of messages being received
// or waiting to be stored (in memory or spooled). It never blocks: a
// message that does not fit is refused with 452 4.3.1 and retried later
// by its sender.
type budget struct{ sem *semaphore.Weighted }

func newBudget(n int64) *budget { return &budget{sem: semaphore.NewWeighted(n)} }

// take reserves n bytes, or reports false when they are not available now.
func (b *budget) take(n int64) bool { return b.sem.TryAcquire(n) }

// give returns n bytes taken before.
func (b *budget) give(n int64) {
	if n > 0 {
		b.sem.Release(n)
	}
}

// spool holds one message as it arrives: the Received field we prepend,
// then the data, in memory up to spillAt and in a temporary file beyond.
// It hashes the data (without our Received field) for the dedup key and
// keeps the start of the header. Close releases the file and the budget.
type spool struct {
	dir    string
	budget *budget
	taken  int64

	mu     sync.Mutex // bytes and close may race (a session giving up)
	mem    bytes.Buffer
	file   *os.File
	size   int64 // data bytes, Received field excluded
	prefix int   // length of the Received field at the start of mem
	sum    hash.Hash
	head   []byte
	closed bool
}

func newSpool(dir string, b *budget, received string) *spool {
	s := &spool{dir: dir, budget: b, sum: sha256.New(), prefix: len(received)}
	s.mem.Grow(len(received) + 8<<10)
	s.mem.WriteString(received)
	return s
}

// readFrom copies the message data from r. It returns replyBusy when the
// budget cannot hold the next chunk, or the reader's error (552 for a
// message over the size limit). buf is the read buffer. alive, when set, is called after each
// chunk: the session extends its read deadline there, so the read timeout
// bounds a pause in the data, not the whole transfer of a large message.
func (s *spool) readFrom(r io.Reader, buf []byte, alive func()) error {
	for {
		n, err := r.Read(buf)
		if alive != nil {
			alive()
		}
		if n > 0 {
			if werr := s.write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (s *spool) write(p []byte) error {
	if !s.budget.take(int64(len(p))) {
		return replyBusy
	}
	s.taken += int64(len(p))
	s.sum.Write(p)
	if len(s.head) < headLimit {
		s.head = append(s.head, p[:min(len(p), headLimit-len(s.head))]...)
	}
	s.size += int64(len(p))
	if s.file == nil && s.mem.Len()+len(p) <= spillAt {
		s.mem.Write(p)
		return nil
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "tidings-spool-*")
		if err != nil {
			return fmt.Errorf("inbound: spool: %w", err)
		}
		// Unlinked at once: the data lives as long as the descriptor, so
		// a crash leaves nothing behind (where the OS allows it).
		os.Remove(f.Name())
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return fmt.Errorf("inbound: spool: %w", err)
		}
		s.mem = bytes.Buffer{}
	}
	if _, err := s.file.Write(p); err != nil {
		return fmt.Errorf("inbound: spool: %w", err)
	}
	return nil
}

// spooled reports whether the message is (partly) in the file.
func (s *spool) spooled() bool { return s.file != nil }

// contentHash is the hex SHA-256 of the data.
func (s *spool) contentHash() string { return fmt.Sprintf("%x", s.sum.Sum(nil)) }

// bytes returns the Received field and the data. For a message in memory
// it is the buffer itself (no copy); a spooled one is read from its file,
// so the whole message is in memory only while the keeper commits it.
func (s *spool) bytes() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("inbound: spool: message abandoned")
	}
	if s.file == nil {
		return s.mem.Bytes(), nil
	}
	out := make([]byte, int64(s.prefix)+s.size)
	if _, err := s.file.ReadAt(out, 0); err != nil {
		return nil, fmt.Errorf("inbound: spool: read back: %w", err)
	}
	return out, nil
}

// close removes the file and returns the budget.
func (s *spool) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.file != nil {
		name := s.file.Name()
		s.file.Close()
		os.Remove(name) // where unlinking an open file failed
	}
	s.mem = bytes.Buffer{}
	s.budget.give(s.taken)
	s.taken = 0
}
