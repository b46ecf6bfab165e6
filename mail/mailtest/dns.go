package mailtest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// DNS is an in-process DNS server on 127.0.0.1 (UDP and TCP on one port)
// for tests that check DKIM and DMARC: it answers TXT queries from the
// records set with SetTXT and NXDOMAIN for any other name, so no test
// needs the host's resolver. Its methods are safe for concurrent use.
type DNS struct {
	addr    string
	mu      sync.Mutex
	txt     map[string][]string // lowercased FQDN → records
	queries map[string]int
}

// NewDNS starts a fake DNS server, stopped when the test ends.
func NewDNS(t testing.TB) *DNS {
	t.Helper()
	d := &DNS{txt: map[string][]string{}, queries: map[string]int{}}
	h := dns.HandlerFunc(d.serve)
	var udp net.PacketConn
	var tcp net.Listener
	for range 20 { // find a port free for both protocols
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			udp, tcp = pc, ln
			break
		}
		pc.Close()
	}
	if udp == nil {
		t.Fatal("mailtest: no port free for UDP and TCP")
	}
	d.addr = udp.LocalAddr().String()
	us := &dns.Server{PacketConn: udp, Handler: h}
	ts := &dns.Server{Listener: tcp, Handler: h}
	go us.ActivateAndServe()
	go ts.ActivateAndServe()
	t.Cleanup(func() {
		us.Shutdown()
		ts.Shutdown()
	})
	return d
}

// Addr is the server's HOST:PORT, the value for auth.dns.
func (d *DNS) Addr() string { return d.addr }

// SetTXT sets the TXT records of name (without the trailing dot); records
// longer than 255 bytes are split into strings as DNS requires.
func (d *DNS) SetTXT(name string, records ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.txt[dns.Fqdn(strings.ToLower(name))] = records
}

// Queries returns how many queries asked for name (without the trailing
// dot); "" counts every query.
func (d *DNS) Queries(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if name == "" {
		n := 0
		for _, c := range d.queries {
			n += c
		}
		return n
	}
	return d.queries[dns.Fqdn(strings.ToLower(name))]
}

func (d *DNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	d.mu.Lock()
	for _, q := range req.Question {
		name := strings.ToLower(q.Name)
		d.queries[name]++
		recs, ok := d.txt[name]
		if !ok {
			m.Rcode = dns.RcodeNameError
			continue
		}
		if q.Qtype != dns.TypeTXT {
			continue
		}
		for _, r := range recs {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT,
				Class: dns.ClassINET, Ttl: 60}, Txt: chunks(r)})
		}
	}
	d.mu.Unlock()
	_ = w.WriteMsg(m)
}

// chunks splits s into DNS character-strings of at most 255 bytes.
func chunks(s string) []string {
	var out []string
	for len(s) > 255 {
		out = append(out, s[:255])
		s = s[255:]
	}
	return append(out, s)
}
