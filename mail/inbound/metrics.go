package inbound

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// receiverMetrics count what the SMTP side decided.
type receiverMetrics struct {
	accepted prometheus.Counter
	rejected *prometheus.CounterVec
	stored   prometheus.Counter
	batch    prometheus.Histogram
}

// processMetrics count what the pipeline decided.
type processMetrics struct {
	applied prometheus.Counter
	failed  prometheus.Counter
	latency prometheus.Histogram
}

func newReceiverMetrics(reg prometheus.Registerer) *receiverMetrics {
	return &receiverMetrics{
		accepted: register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "tidings_inbound_accepted_total",
			Help: "Messages answered 250 (duplicates included)."})),
		rejected: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tidings_inbound_rejected_total",
			Help: "Commands refused, by reason."}, []string{"reason"})),
		stored: register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "tidings_inbound_stored_total",
			Help: "New messages stored (duplicates excluded)."})),
		batch: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tidings_inbound_commit_batch_messages",
			Help:    "Messages committed together by one store transaction (group commit).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64}})),
	}
}

func newProcessMetrics(reg prometheus.Registerer) *processMetrics {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tidings_inbound_apply_seconds",
		Help:    "Seconds from the 250 reply to the message being applied.",
		Buckets: prometheus.ExponentialBuckets(0.01, 3, 12)})
	return &processMetrics{
		applied: register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "tidings_inbound_applied_total",
			Help: "Messages applied."})),
		failed: register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "tidings_inbound_failed_total",
			Help: "Processing attempts that failed."})),
		latency: register(reg, h),
	}
}

// register registers c on reg, reusing a collector already registered under
// the same name (a second Processor on one registry shares the counters).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}
