package inbound_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// childEnv makes the test binary run as a bare receiver process (see
// TestMain) on the DSN it names.
const childEnv = "TIDINGS_INBOUND_TEST_RECEIVER_DSN"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(childEnv); dsn != "" {
		runChildReceiver(dsn)
		return
	}
	os.Exit(m.Run())
}

// runChildReceiver serves until killed, printing its address first.
func runChildReceiver(dsn string) {
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Println("ADDR", ln.Addr().String())
	r := inbound.NewReceiver(db, inbound.Options{Addresses: testAddresses(nil), MaxConnections: 64})
	r.Serve(ln)
}

func TestDatabaseDownIs451(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, dsn := b.Open(t, store.Options{})
			f := newFixture(t, db, nil)
			to := f.addrs.Reply(f.prompt.ID)
			raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "down")})
			db.Close()
			wantCode(t, send(t, f.addr, "ana@example.com", []string{to}, raw), 451, smtp.EnhancedCode{4, 3, 0})
			again, err := store.Open(context.Background(), dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			msgs, err := again.FindInbound(context.Background(), store.InboundFilter{})
			if err != nil || len(msgs) != 0 {
				t.Errorf("after 451: %d messages stored, %v", len(msgs), err)
			}
		})
	}
}

// TestCrashKeepsEveryAcknowledgedMessage kills a receiver process with
// SIGKILL while clients send, then checks that every message that got a
// 250 is stored exactly once.
func TestCrashKeepsEveryAcknowledgedMessage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, dsn := b.Open(t, store.Options{})
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), childEnv+"="+dsn)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "ADDR ") {
				t.Fatalf("child: %q %v", line, err)
			}
			addr := strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
			acked := sendUntilKilled(t, addr, cmd.Process, 8, 40)
			cmd.Wait()
			if len(acked) < 40 {
				t.Fatalf("only %d messages acknowledged before the kill", len(acked))
			}
			msgs, err := db.FindInbound(context.Background(), store.InboundFilter{Limit: 100000})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, m := range msgs {
				count[m.MessageID]++
			}
			for _, id := range acked {
				if count[id] != 1 {
					t.Errorf("acknowledged %s stored %d times", id, count[id])
				}
			}
			t.Logf("%d acknowledged, %d stored", len(acked), len(msgs))
		})
	}
}

// sendUntilKilled runs workers senders; once killAfter messages are
// acknowledged it kills proc, and returns the Message-IDs that got 250.
func sendUntilKilled(t *testing.T, addr string, proc *os.Process, workers, killAfter int) []string {
	var mu sync.Mutex
	var acked []string
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("crash-%d-%d@client.example", w, i)
				raw := plainReply("ana@example.com", "postmaster@"+domain, id, strings.Repeat("body line\r\n", 20))
				if err := sendOnce(addr, raw); err != nil {
					return // refused or connection lost: the server is gone
				}
				mu.Lock()
				acked = append(acked, id)
				n := len(acked)
				mu.Unlock()
				if n >= killAfter {
					once.Do(func() { proc.Signal(syscall.SIGKILL) })
				}
			}
		}(w)
	}
	wg.Wait()
	return acked
}

// sendOnce is send without the test's fatal paths: any error ends a worker.
func sendOnce(addr string, raw []byte) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	return c.SendMail("ana@example.com", []string{"postmaster@" + domain}, strings.NewReader(string(raw)))
}
