//go:build !race

package reply

// allocFactor bounds allocation per input byte in TestHugeMessageBounded.
const allocFactor = 3
