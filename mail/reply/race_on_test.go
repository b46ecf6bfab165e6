//go:build race

package reply

// allocFactor bounds allocation per input byte in TestHugeMessageBounded;
// the race detector roughly doubles what the runtime counts as allocated.
const allocFactor = 8
