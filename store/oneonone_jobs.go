package store

// OneOnOneTickArgs runs the one-on-one scheduler once (periodic).
type OneOnOneTickArgs struct{}

// Kind implements river.JobArgs.
func (OneOnOneTickArgs) Kind() string { return "oneonone_tick" }
