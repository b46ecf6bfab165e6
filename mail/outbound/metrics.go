package outbound

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Deliverer's Prometheus series; a nil registerer keeps
// them unregistered (still counted, never exported). Deliverers sharing a
// registerer share the series.
type metrics struct {
	results  *prometheus.CounterVec
	duration prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tidings_outbound_deliveries_total",
			Help: "Delivery attempts by result (sent, deferred, failed).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tidings_outbound_send_seconds",
			Help:    "Time to hand one message to the relay.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 9),
		}),
	}
	if reg == nil {
		return m, nil
	}
	if err := reg.Register(m.results); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, fmt.Errorf("outbound: metrics: %w", err)
		}
		m.results = are.ExistingCollector.(*prometheus.CounterVec) // a second Deliverer in one process
	}
	if err := reg.Register(m.duration); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, fmt.Errorf("outbound: metrics: %w", err)
		}
		m.duration = are.ExistingCollector.(prometheus.Histogram)
	}
	return m, nil
}

func (m *metrics) result(r string)         { m.results.WithLabelValues(r).Inc() }
func (m *metrics) observe(d time.Duration) { m.duration.Observe(d.Seconds()) }
