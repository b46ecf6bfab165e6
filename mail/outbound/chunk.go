package outbound

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/store"
	"golang.org/x/sync/errgroup"
)

// chunk is how many occurrences one transaction records; the first
// chunks are smaller (firstChunk, doubling) so that delivery starts soon.
const (
	chunk      = 250
	firstChunk = 32
)

// chunkWorkers is how many chunks are prepared and stored at once, so
// that rendering one (CPU) overlaps with storing another (database).
const chunkWorkers = 3

// createChunks records occurrences chunk by chunk, up to chunkWorkers at
// a time, and hands each committed chunk's messages off at once.
func (p *Prompter) createChunks(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, todo []occurrence, r *run) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(chunkWorkers)
	for start, size := 0, firstChunk; start < len(todo); start, size = start+size, min(2*size, chunk) {
		part := todo[start:min(start+size, len(todo))]
		g.Go(func() error {
			if err := p.createChunk(gctx, ts, c, part, r); err != nil {
				return fmt.Errorf("outbound: send due %s/%s: %w", ts.Team.Slug, c.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// batch is one chunk ready to store: its prompts (IDs reserved) and the
// composed messages of the pending ones (IDs reserved, envelope sender
// set), with why each skipped prompt was skipped.
type batch struct {
	prompts []*store.Prompt
	kinds   []string
	outs    []*store.OutboundMessage
	owners  []*store.Prompt // of each message
}

// createChunk prepares a chunk outside any transaction (reads, ID
// reservations, rendering), then stores its prompts and messages in one
// short transaction. Occurrences another scheduler recorded first are left
// alone, and so are their messages.
func (p *Prompter) createChunk(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, occs []occurrence, r *run) error {
	b, err := p.prepare(ctx, ts, c, occs, r)
	if err != nil {
		return err
	}
	var created []*store.OutboundMessage
	var sum Summary
	// The short storing transaction is not cut by ctx: a commit the
	// database made but the client saw fail would leave messages claimed
	// for nobody until their lease lapsed.
	sctx := context.WithoutCancel(ctx)
	err = p.db.InTx(sctx, func(tx *store.DB) error {
		sum = Summary{Skipped: map[string]int{}} // counts of a committed transaction only
		var err error
		created, err = storeBatch(sctx, tx, b, &sum)
		return err
	})
	if err != nil {
		return err
	}
	r.add(&sum)
	r.handOff(created)
	return nil
}

// prepare decides each occurrence's prompt and renders the pending ones'
// messages with reserved prompt and message IDs, so that the transaction
// that stores them does no rendering.
func (p *Prompter) prepare(ctx context.Context, ts *store.TeamSchedule, c *store.CheckIn, occs []occurrence, r *run) (*batch, error) {
	emails := make([]string, len(occs))
	for i, o := range occs {
		emails[i] = o.member.Email
	}
	sup, err := p.db.SuppressedAmong(ctx, emails)
	if err != nil {
		return nil, err
	}
	b := &batch{prompts: make([]*store.Prompt, len(occs)), kinds: make([]string, len(occs))}
	var pending []int
	var members []int64
	for i, o := range occs {
		b.prompts[i], b.kinds[i] = p.newPrompt(ts, c, o, r.now, sup[strings.ToLower(o.member.Email)])
		if b.prompts[i].Status == store.PromptPending {
			pending = append(pending, i)
			members = append(members, o.member.ID)
		}
	}
	// One reservation for both tables: a message ID per occurrence (those
	// of expired and skipped ones stay unused).
	ids, outIDs, err := p.db.ReserveIDs(ctx, len(occs))
	if err != nil {
		return nil, err
	}
	for i, pr := range b.prompts {
		pr.ID = ids[i]
	}
	if len(pending) == 0 {
		return b, nil
	}
	open, err := p.db.OpenPromptItemsOf(ctx, members) // meeting items and each member's own 1:1 items
	if err != nil {
		return nil, err
	}
	for j, i := range pending {
		out, err := p.promptMessage(ts, c, occs[i], b.prompts[i], open[occs[i].member.ID])
		if err != nil {
			return nil, err
		}
		out.ID, out.Status = outIDs[j], r.status()
		out.MailFrom = p.opts.Addresses.Bounce(out.ID)
		b.prompts[i].MessageID = out.MessageID
		b.outs, b.owners = append(b.outs, out), append(b.owners, b.prompts[i])
	}
	return b, nil
}

// storeBatch inserts the prompts and the messages of those it created
// (each with a DeliverArgs job unless claimed for a hand-off) in tx, and
// returns the messages created.
func storeBatch(ctx context.Context, tx *store.DB, b *batch, sum *Summary) ([]*store.OutboundMessage, error) {
	if _, err := tx.InsertPrompts(ctx, b.prompts); err != nil {
		return nil, err
	}
	for i, pr := range b.prompts {
		switch {
		case pr.ID == 0: // another scheduler got there first
		case pr.Status == store.PromptExpired:
			sum.Expired++
		case pr.Status == store.PromptSkipped:
			sum.Skipped[b.kinds[i]]++
		}
	}
	outs := b.outs[:0:0]
	for i, out := range b.outs {
		if b.owners[i].ID != 0 { // InsertPrompts zeroes the ID of a prompt it did not create
			outs = append(outs, out)
		}
	}
	if len(outs) == 0 {
		return nil, nil
	}
	n, err := tx.QueueOutboundMany(ctx, outs)
	sum.Queued += n
	return outs, err
}
