package stats

import (
	"fmt"
	"strings"

	"zhiban/paper"
	"zhiban/roster"
)

// ReportDoc lays out r as the leaders' 通报 of a month or quarter, or the
// yearly report on petition work (《信访工作条例》第四十一条): the figures in
// sentences and the townships' table. Counts only; no petitioner or visitor.
func ReportDoc(r Report, county, issuer string, date roster.Date) paper.Doc {
	f := r.County
	title := county + r.Period.Label + "信访工作情况通报"
	if r.Period.Kind == "year" {
		title = county + r.Period.Label + "信访工作情况报告"
	}
	v := f.Visits()
	body := []string{
		fmt.Sprintf("%s（%s至%s，数据截至%s），现将全县信访工作情况%s如下。", r.Period.Label, paper.ChineseDate(r.Period.From),
			paper.ChineseDate(r.Period.To), paper.ChineseDate(r.AsOf), map[bool]string{true: "报告", false: "通报"}[r.Period.Kind == "year"]),
		fmt.Sprintf("一、四访接待。共接待群众%d批%d人次，其中开门接访%d批%d人次，主动约访%d批%d人次，带案下访%d批%d人次，上门回访%d批%d人次。重复信访%d批，越级上访%d批。",
			v.Batches, v.People, f.Open.Batches, f.Open.People, f.Invite.Batches, f.Invite.People, f.Carry.Batches, f.Carry.People,
			f.Return.Batches, f.Return.People, f.Repeat, f.SkippedLevel),
		fmt.Sprintf("二、信访事项。共登记信访事项%d件%s%s。", f.Cases, tallies("按渠道", r.Channels), tallies("按类别", r.Categories)),
		fmt.Sprintf("三、办理质效。及时受理率%s（%d/%d），按期办结率%s（%d/%d），参评率%s（%d/%d），满意率%s（%d/%d）。",
			f.Acceptance, f.Acceptance.Num, f.Acceptance.Den, f.Handling, f.Handling.Num, f.Handling.Den,
			f.Evaluation, f.Evaluation.Num, f.Evaluation.Den, f.Satisfaction, f.Satisfaction.Num, f.Satisfaction.Den),
		fmt.Sprintf("四、矛盾纠纷排查。应报%d次，按时上报%d次（其中零报告%d次），逾期上报%d次，未报%d次；排查发现矛盾纠纷%d件，已化解%d件，列入包保%d件，尚未化解%d件。",
			f.Sweep.Tasks, f.Sweep.OnTime, f.Sweep.Nil, f.Sweep.Late, f.Sweep.Missing, f.Sweep.Findings, f.Sweep.Resolved,
			f.Sweep.Escalated, f.Sweep.Open),
		fmt.Sprintf("五、领导值班接访。应值班%d人次，到岗签到%d人次，临时替换%d次，互换%d次。",
			r.Roster.Planned, r.Roster.Signed, r.Roster.Replacements, r.Roster.Swaps) + fairnessSentence(r),
	}
	t := &paper.Table{Caption: "各乡镇情况", Head: []string{"乡镇", "接待（批/人次）", "信访事项", "及时受理率", "按期办结率", "满意率", "重复信访"}}
	for _, row := range r.Townships {
		rv := row.Visits()
		t.Rows = append(t.Rows, []string{row.Name, fmt.Sprintf("%d/%d", rv.Batches, rv.People), fmt.Sprint(row.Cases),
			row.Acceptance.String(), row.Handling.String(), row.Satisfaction.String(), fmt.Sprint(row.Repeat)})
	}
	return paper.Doc{Title: title, Body: body, Table: t, TableLast: true, Issuer: issuer, Date: date, Seal: true,
		Notes: []string{"各项比率的计算口径见《统计口径说明》；“—”表示本期没有应计的事项。"}}
}

// tallies writes "，按渠道：来信3件、来访5件" for the non-zero counts.
func tallies(label string, ts []Tally) string {
	var parts []string
	for _, t := range ts {
		if t.Count > 0 {
			parts = append(parts, fmt.Sprintf("%s%d件", t.Name, t.Count))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "，" + label + "：" + strings.Join(parts, "、")
}

// fairnessSentence is the yearly report's fairness across the years: each
// pool's spread over the years shown and in the year itself; "" otherwise.
func fairnessSentence(r Report) string {
	ys := r.Roster.Years
	if r.Period.Kind != "year" || len(ys) == 0 || len(r.Roster.Pools) == 0 {
		return ""
	}
	var parts []string
	for _, pl := range r.Roster.Pools {
		parts = append(parts, fmt.Sprintf("%s%d班次（本年%d）", pl.Name, pl.TotalSpread, pl.Spread[len(pl.Spread)-1]))
	}
	return fmt.Sprintf("%d年至%d年各人员组成员值班班次最多与最少之差：%s。", ys[0], ys[len(ys)-1], strings.Join(parts, "、"))
}
