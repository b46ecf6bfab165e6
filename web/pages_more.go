package web

import (
	"net/http"
	"time"

	"github.com/tidings-app/tidings/store"
)

// askView is an ask as the archive shows it. Results come only when the
// viewer may see the answers (closed asks, store.ObjAskAnswers); comments
// carry no name when the ask is anonymous.
type askView struct {
	store.Ask
	Results  []askRow
	Comments []askComment
	Answered int
	Shown    bool // results shown
}

type askRow struct {
	Choice string
	Count  int
}

type askComment struct {
	Who  string // empty for anonymous asks
	Text string
}

// asks lists the team's asks and FYIs (not those waiting for their
// sender's confirmation), newest first, with results once closed.
func (s *Server) asks(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	as, err := s.db.FindAsks(r.Context(), store.AskFilter{TeamID: &t.team.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out []askView
	for _, a := range as {
		ok, err := s.db.CanView(r.Context(), t.me.ID, store.Object{Kind: store.ObjAsk, ID: a.ID})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !ok {
			continue
		}
		v := askView{Ask: a}
		show, err := s.db.CanView(r.Context(), t.me.ID, store.Object{Kind: store.ObjAskAnswers, ID: a.ID})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if show {
			if err := s.fillResults(r, &v); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		out = append(out, v)
	}
	s.teamPage(w, r, t, "asks", "asks", "Asks", struct {
		Asks []askView
		Loc  *time.Location
	}{out, t.loc})
}

func (s *Server) fillResults(r *http.Request, v *askView) error {
	answers, err := s.db.AskAnswers(r.Context(), v.ID)
	if err != nil {
		return err
	}
	v.Shown, v.Answered = true, len(answers)
	for i, n := range v.Tally(answers) {
		v.Results = append(v.Results, askRow{Choice: v.Choices[i], Count: n})
	}
	for _, a := range answers {
		if a.Comment == "" {
			continue
		}
		c := askComment{Text: a.Comment}
		if !v.Anonymous && a.MemberID != nil {
			if m, err := s.db.MemberByID(r.Context(), *a.MemberID); err == nil {
				c.Who = m.Name
			}
		}
		v.Comments = append(v.Comments, c)
	}
	return nil
}

// krView is a key result with its latest value.
type krView struct {
	store.KeyResult
	Owner    string
	Value    string
	Progress string
	Status   string
	Comment  string
	Has      bool
}

type objectiveView struct {
	store.Objective
	Owner      string
	KeyResults []krView
}

// okrs shows the team's OKRs of a quarter (?q=2027-Q1; default the
// current one) with each key result's latest value.
func (s *Server) okrs(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	q := store.QuarterOf(s.opts.Now(), t.loc)
	if p, err := store.ParseQuarter(r.URL.Query().Get("q")); err == nil {
		q = p
	}
	set, err := s.db.LoadOKRs(r.Context(), t.team.ID, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	quarters, err := s.db.OKRQuarters(r.Context(), t.team.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var objs []objectiveView
	for _, o := range set.Objectives {
		ov := objectiveView{Objective: o, Owner: set.OwnerName(o.OwnerID)}
		for _, kr := range set.KeyResults {
			if kr.ObjectiveID != o.ID {
				continue
			}
			kv := krView{KeyResult: kr, Owner: set.OwnerName(kr.OwnerID)}
			if v, ok := set.Latest(kr.ID); ok {
				kv.Has, kv.Value, kv.Comment = true, kr.Format(v.Value), v.Comment
				kv.Progress = store.Percent(kr.Progress(v.Value))
				kv.Status = store.StatusLabel(v.Status)
			}
			ov.KeyResults = append(ov.KeyResults, kv)
		}
		objs = append(objs, ov)
	}
	s.teamPage(w, r, t, "okrs", "okrs", "OKRs "+q.String(), struct {
		Quarter    string
		Quarters   []store.Quarter
		Objectives []objectiveView
	}{q.String(), quarters, objs})
}
