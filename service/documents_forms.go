package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"zhiban/paper"
	"zhiban/store"
	"zhiban/visits"
)

// The forms: the 交办单 that hands a case to a unit, and the desk's 群众来访
// 登记表 (one visit) and 领导接访登记表 (one session). Their texts are cut
// (brief) so each stays on one sheet; the record keeps the whole text.

// handoverRefusal refuses a 交办单 for a hand-over no longer with its unit.
func handoverRefusal(h visits.Handover) error {
	switch h.State {
	case visits.HandoverDeclined:
		return stateRefusal("责任单位已退回此交办（不属于其职责），不能出具交办单")
	case visits.HandoverWithdrawn:
		return stateRefusal("此交办已撤回，不能出具交办单")
	}
	return nil
}

func layHandover(ctx context.Context, r docEnv, id int64, fresh bool) (laid, error) {
	h, err := r.st.Handover(ctx, id)
	if err != nil {
		return laid{}, err
	}
	if fresh {
		if err := handoverRefusal(h); err != nil {
			return laid{}, err
		}
	}
	k, err := r.st.Case(ctx, h.Case)
	if err != nil {
		return laid{}, err
	}
	us, err := handoverUnits(ctx, r.st)
	if err != nil {
		return laid{}, err
	}
	v := viewHandover(h, k, us, r.today, r.cal)
	fields := []paper.Field{
		{Label: "案件编号", Value: k.Code},
		{Label: "信访人", Value: addressee(k)},
		{Label: "收到日期", Value: paper.ChineseDate(k.Received) + "（" + string(k.Channel) + "）"},
		{Label: "所属乡镇", Value: v.TownName},
		{Label: "问题类别", Value: string(k.Category)},
		{Label: "反映事项", Value: brief(k.Title, briefTitle)},
	}
	if c := brief(k.Content, 120); c != "" {
		fields = append(fields, paper.Field{Label: "主要诉求", Value: c})
	}
	fields = append(fields, paper.Field{Label: "办结时限", Value: paper.ChineseDate(h.Due) + "前"})
	return laid{case_: k.ID, doc: paper.Doc{Addressee: v.UnitName, Fields: fields, Body: []string{
		fmt.Sprintf("现将上述信访事项交你单位办理。请依照《信访工作条例》有关规定认真调查处理，于%s前办结，并将办结报告书面报送本机关。",
			paper.ChineseDate(h.Due)),
		fmt.Sprintf("不属于你单位职责范围的，请于%s前（收到之日起5个工作日内）书面说明理由并退回本机关（《信访工作条例》第二十三条）。",
			paper.ChineseDate(v.DeclineBy)),
	}}}, nil
}

// layRegistration is the 群众来访登记表 of one desk registration: the
// visitor's ID number and phone in full (the paper record the visitor
// signs), so every read of it is audited.
func layRegistration(ctx context.Context, r docEnv, id int64, _ bool) (laid, error) {
	g, err := r.st.Registration(ctx, id)
	if err != nil {
		return laid{}, err
	}
	names, err := personNames(ctx, r.st)
	if err != nil {
		return laid{}, err
	}
	town, err := townName(ctx, r.st, g.Township)
	if err != nil {
		return laid{}, err
	}
	people := fmt.Sprintf("%d人", g.GroupSize)
	if len(g.Representatives) > 0 {
		people += "，代表：" + strings.Join(g.Representatives, "、")
	}
	outcome := g.Outcome.Label()
	if n := brief(g.OutcomeNote, 60); n != "" && outcome != "" {
		outcome += "：" + n
	} else if n != "" {
		outcome = n
	}
	caseCode := ""
	if g.Case != 0 {
		if k, err := r.st.Case(ctx, g.Case); err == nil {
			caseCode = k.Code
		}
	}
	yes := map[bool]string{true: "是", false: "否"}
	fields := []paper.Field{
		{Label: "来访时间", Value: paper.ChineseDate(g.Date) + " " + g.Arrived.In(r.cfg.Location).Format("15:04")},
		{Label: "来访人", Value: g.Visitor.Name},
		{Label: "身份证号码", Value: g.Visitor.IDNumber},
		{Label: "联系电话", Value: g.Visitor.Phone},
		{Label: "住址", Value: g.Visitor.Address},
		{Label: "所属乡镇", Value: town},
		{Label: "来访人数", Value: people},
		{Label: "问题类别", Value: string(g.Category)},
		{Label: "是否越级", Value: yes[g.SkippedLevel]},
		{Label: "重复信访", Value: yes[g.Repeat]},
		{Label: "反映事项", Value: brief(g.Matter, 120)},
		{Label: "接待领导", Value: names[g.ReceivedBy]},
		{Label: "处理结果", Value: outcome},
		{Label: "关联案件", Value: caseCode},
	}
	return laid{case_: g.Case, doc: paper.Doc{Fields: fields, Date: g.Date,
		Notes: []string{"登记人：" + g.CreatedBy + "　　来访人签字：＿＿＿＿＿＿　　批次：第" + strconv.Itoa(g.Number) + "号"}}}, nil
}

// laySession is the 领导接访登记表 of one 开门接访 session: both leaders and
// every visit with its outcome.
func laySession(ctx context.Context, r docEnv, id int64, _ bool) (laid, error) {
	v, err := r.st.Visit(ctx, id)
	if err != nil {
		return laid{}, err
	}
	if v.Kind != visits.KindOpen {
		return laid{}, stateRefusal("只有开门接访可以出具领导接访登记表")
	}
	people, err := r.st.People(ctx)
	if err != nil {
		return laid{}, err
	}
	names, titled := map[string]string{}, map[string]string{}
	for _, p := range people {
		names[p.ID], titled[p.ID] = p.Name, p.Name
		if p.Title != "" {
			titled[p.ID] = p.Name + "（" + p.Title + "）"
		}
	}
	regs, err := r.st.Registrations(ctx, store.RegistrationFilter{Session: id})
	if err != nil {
		return laid{}, err
	}
	_, towns, err := townships(ctx, r.st)
	if err != nil {
		return laid{}, err
	}
	t := &paper.Table{Head: []string{"序号", "到达", "来访人", "人数", "乡镇", "反映事项", "接待领导", "处理结果"}}
	total := 0
	for _, g := range regs {
		town := towns[g.Township]
		total += g.GroupSize
		t.Rows = append(t.Rows, []string{strconv.Itoa(g.Number), g.Arrived.In(r.cfg.Location).Format("15:04"), g.Visitor.Name,
			strconv.Itoa(g.GroupSize), town, brief(g.Matter, 20), names[g.ReceivedBy], g.Outcome.Label()})
	}
	shadow := titled[v.Shadow]
	if shadow == "" {
		shadow = "—"
	}
	fields := []paper.Field{
		{Label: "接访日期", Value: paper.ChineseDate(v.Date) + " " + v.Start.String() + "–" + v.End.String()},
		{Label: "接访地点", Value: v.Place},
		{Label: "值班领导", Value: titled[v.Leader]},
		{Label: "跟班领导", Value: shadow},
		{Label: "接待情况", Value: fmt.Sprintf("共%d批%d人次", len(regs), total)},
	}
	return laid{doc: paper.Doc{Fields: fields, Table: t, Date: v.Date}}, nil
}

// townName is a township's name, or its id when the county no longer lists it.
func townName(ctx context.Context, st *store.Store, id string) (string, error) {
	_, names, err := townships(ctx, st)
	if err != nil {
		return "", err
	}
	if n, ok := names[id]; ok {
		return n, nil
	}
	return id, nil
}
