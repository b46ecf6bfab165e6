package store

// SweepAsksArgs runs the ask sweeper once (periodic): reminders half-way
// and results at the deadline.
type SweepAsksArgs struct{}

// Kind implements river.JobArgs.
func (SweepAsksArgs) Kind() string { return "sweep_asks" }
