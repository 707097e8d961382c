<?php
/*
 * vouchers.php - make bench's PHP-FPM peer of GET /user/vouchers (SPEC §9):
 * the page as a PHP billing system (WHMCS, FOSSBilling) would serve it.
 *
 * bench.sh copies it next to queries.php, which it writes from the running
 * stack: the database's socket and credentials, and the SQL kaquan itself
 * prepared for this page (read from MariaDB's general log), so both check
 * the same session row with the same timeouts and run the same list query
 * with bound parameters.  The rows are printed in kaquan's layout, every
 * value through htmlspecialchars.  The connection is persistent (p:), as
 * kaquan's is; statements are prepared per request, as PHP must.
 */
require __DIR__ . '/queries.php';

function h($s) { return htmlspecialchars((string)$s, ENT_QUOTES | ENT_HTML5, 'UTF-8'); }
function money($c) { return '¥' . number_format($c / 100, 2, '.', ','); }
function iso($t) { return $t === null ? '' : str_replace(' ', 'T', $t) . 'Z'; }
function day($t)
{
	static $utc, $tz;
	if ($t === null)
		return '';
	$utc = $utc ?? new DateTimeZone('UTC');
	$tz = $tz ?? new DateTimeZone(DISPLAY_TZ);
	return (new DateTime($t, $utc))->setTimezone($tz)->format('Y-m-d');
}
function scope_text($scope, $codes)
{
	$names = implode('、', array_map(fn($c) => PRODUCTS[$c] ?? $c,
	    $codes === '' ? [] : explode(',', $codes)));
	if ($scope === 'include')
		return '仅限 ' . $names;
	if ($scope === 'exclude' && $names !== '')
		return '通用产品,不含 ' . $names;
	return '全部通用产品';
}

$token = $_COOKIE['kq_member'] ?? '';
if (strlen($token) !== 64 || !ctype_xdigit($token)) {
	header('Location: /login', true, 303);
	exit;
}
$db = new mysqli('p:localhost', DB_USER, DB_PASSWORD, DB_NAME, 0, DB_SOCKET);
$kind = 'member';
$idle = IDLE_MINUTES;
$absolute = ABSOLUTE_HOURS;
$st = $db->prepare(SESSION_SQL);
$st->bind_param('ssii', $token, $kind, $idle, $absolute);
$st->execute();
$me = $st->get_result()->fetch_row();
$st->close();
if ($me === null) {
	header('Location: /login', true, 303);
	exit;
}
[$csrf, $seen_ago, $user_id, $uin, $login] = $me;
if ($seen_ago >= 60) {	/* core/auth.c's SQL_SESSION_TOUCH, once a minute */
	$st = $db->prepare('UPDATE sessions SET last_seen_at = UTC_TIMESTAMP()'
	    . ' WHERE token_hash = UNHEX(SHA2(?, 256))');
	$st->bind_param('s', $token);
	$st->execute();
	$st->close();
}

$tab = 'available';
/* core/state.c's voucher_stored_ranges for the tab: available is stored as
 * available or frozen and not yet past valid_to (the sweep's backlog) */
$now = gmdate('Y-m-d H:i:s');
$stored = ['available', 'frozen', $now, '', '', '', $now, ''];
$none = 0;
$null = null;
$limit = 21;	/* core/db/pager.c: a row more than a page; counted only past it */
$offset = 0;
$filters = [$tab, $tab, $none, $none, $null, $null];
$page = [$none, $none, $limit, $offset];	/* no cursor, the first page */
$st = $db->prepare(LIST_SQL);
$st->bind_param('i' . str_repeat('s', 10) . 'iissiiii', $uin, ...$stored, ...$filters,
    ...$page);
$st->execute();
/* the columns in core/voucher_read.c's order (my_voucher_cols); bench.sh
 * compares this page's rows with kaquan's */
$rows = array_map(fn($r) => ['id' => $r[0], 'name' => $r[1],
    'status' => $r[2], 'scope' => $r[3], 'products' => $r[4],
    'face' => $r[5], 'balance' => $r[6], 'valid_from' => $r[7],
    'valid_to' => $r[8]],
    $st->get_result()->fetch_all(MYSQLI_NUM));
$st->close();
$total = count($rows);
if ($total > 20) {
	array_pop($rows);
	$st = $db->prepare(COUNT_SQL);
	$st->bind_param('i' . str_repeat('s', 10) . 'iiss', $uin, ...$stored, ...$filters);
	$st->execute();
	$total = $st->get_result()->fetch_row()[0];
	$st->close();
}
$pages = max(1, intdiv($total + 19, 20));

$status_text = ['available' => '可用', 'frozen' => '已冻结', 'used' => '已使用',
    'expired' => '已过期', 'unactivated' => '未激活', 'invalidated' => '已作废',
    'withdrawn' => '已撤回'];
$tabs = ['available' => '可用', 'frozen' => '已冻结', 'used' => '已使用',
    'expired' => '已过期', 'all' => '全部'];
header('Content-Security-Policy: default-src \'self\'; frame-ancestors \'none\'');
header('X-Content-Type-Options: nosniff');
header('Cache-Control: no-store');
?><!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>我的代金券</title>
<link rel="stylesheet" href="/static/kaquan.css">
</head>
<body data-page="user.vouchers">
<header class="top">
<a class="brand" href="/user">卡券中心</a>


<a class="lang" href="/lang?to=en&amp;back=%2Fuser%2Fvouchers" lang="en" hreflang="en">English</a>
<nav class="who">
<span data-field="login"><?= h($login) ?></span>
<span class="uin">UIN <span><?= h($uin) ?></span></span>
<form method="post" action="/logout">
<input type="hidden" name="csrf" value="<?= h($csrf) ?>">
<button type="submit">退出</button>
</form>

</nav>
</header>
<nav class="main-nav" aria-label="用户中心">
<a href="/user">概览</a><a href="/user/vouchers">我的代金券</a><a href="/user/redeem">兑换代金券</a><a href="/user/orders">我的订单</a><a href="/user/pickup">提货卡</a>
</nav>

<main>


<section class="card">
<div class="bar">
<h1>我的代金券</h1>
<span class="actions"><a class="button" href="/user/redeem">兑换代金券</a></span>
</div>
<nav class="tabs">
<?php foreach ($tabs as $value => $text): ?><a href="/user/vouchers?status=<?= h($value) ?>"<?= $value === $tab ? ' aria-current="page"' : '' ?>><?= h($text) ?></a><?php endforeach ?>

</nav>
<form method="get" action="/user/vouchers" class="filters">
<input type="hidden" name="status" value="<?= h($tab) ?>">
<label>到期日不晚于 <input name="expires" type="date" value=""></label>
<button type="submit">筛选</button>
</form>
<table data-list="vouchers">
<thead><tr><th>名称</th><th>面额</th><th>余额</th><th>状态</th><th>生效</th><th>到期</th><th>适用范围</th></tr></thead>
<tbody>
<?php foreach ($rows as $v): ?><tr data-id="<?= h($v['id']) ?>">
<td data-field="name" data-value="<?= h($v['name']) ?>"><a href="/user/vouchers/<?= h($v['id']) ?>"><?= h($v['name']) ?></a></td>
<td data-field="face" data-value="<?= h($v['face']) ?>"><?= h(money($v['face'])) ?></td>
<td data-field="balance" data-value="<?= h($v['balance']) ?>"><?= h(money($v['balance'])) ?></td>
<td data-field="status" data-value="<?= h($v['status']) ?>"><?= h($status_text[$v['status']] ?? $v['status']) ?></td>
<td data-field="valid_from" data-value="<?= h(iso($v['valid_from'])) ?>"><?= h(day($v['valid_from'])) ?></td>
<td data-field="valid_to" data-value="<?= h(iso($v['valid_to'])) ?>"><?= h(day($v['valid_to'])) ?></td>
<td data-field="scope" data-value="<?= h($v['scope']) ?>"><?= h(scope_text($v['scope'], $v['products'])) ?></td>
</tr><?php endforeach ?>

</tbody>
</table>

</section>

<nav class="pager" data-pager="" data-page="1" data-pages="<?= $pages ?>" data-total="<?= $total ?>">

      第 1 / <?= $pages ?> 页,共 <?= $total ?> 条
<?php if ($pages > 1): ?>      <a href="/user/vouchers?page=2">下一页</a>
<?php endif ?></nav>
</main>
<footer>kaquan 卡券中心</footer>
</body>
</html>
