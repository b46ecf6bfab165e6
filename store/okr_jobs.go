package store

// ScheduleOKRArgs runs the key-result check-in scheduler once (periodic).
type ScheduleOKRArgs struct{}

// Kind implements river.JobArgs.
func (ScheduleOKRArgs) Kind() string { return "schedule_okr" }
