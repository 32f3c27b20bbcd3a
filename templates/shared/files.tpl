{{%AUTOESCAPE context="HTML"}}
{{>LOCATION}}
<div class="toolbar">
{{#UP}}<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{UP_PATH:u}}">Up One Level</a>{{/UP}}
<a class="button primary" href="{{BASE_URL}}/create?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}">Create Link</a>
<form method="get" action="{{BASE_URL}}/files" class="filter" role="search">
<input type="hidden" name="root" value="{{CUR_ROOT}}">
<input type="hidden" name="path" value="{{CUR_PATH}}">
<input type="hidden" name="sort" value="{{SORT}}">
<input type="hidden" name="order" value="{{ORDER}}">
<input type="hidden" name="per_page" value="{{PER_PAGE}}">
<label for="filter" class="visually-hidden">Filter by name</label>
<input type="search" id="filter" name="filter" value="{{FILTER}}" placeholder="Filter by name">
<button type="submit">Filter</button>
</form>
</div>
{{#DONE_CREATED}}<p class="message" role="status">The symbolic link “<bdi>{{DONE_NAME:x-name}}</bdi>” was created.</p>{{/DONE_CREATED}}
{{#DONE_DELETED}}<p class="message" role="status">The symbolic link “<bdi>{{DONE_NAME:x-name}}</bdi>” was deleted. The file or directory it pointed to was not touched.</p>{{/DONE_DELETED}}
{{#DENIED}}<p class="error" role="alert">Your account may not read this directory.</p>{{/DENIED}}
{{#EMPTY}}<p class="empty">This directory is empty.</p>{{/EMPTY}}
{{#NO_MATCH}}<p class="empty">No names in this directory contain “{{FILTER}}”.</p>{{/NO_MATCH}}
{{#HAS_ROWS}}
<div class="table-wrap">
<table class="listing">
<caption class="visually-hidden">Contents of <bdi>{{CUR_DIR:x-name}}</bdi>, {{COUNT}} entries</caption>
<thead>
<tr>
{{#SORT_NAME}}<th scope="col" class="name" aria-sort="{{ARIA_SORT}}"><a href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{KEY:u}}&amp;order={{NEXT_ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}">Name</a></th>{{/SORT_NAME}}
{{#SORT_SIZE}}<th scope="col" class="size" aria-sort="{{ARIA_SORT}}"><a href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{KEY:u}}&amp;order={{NEXT_ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}">Size</a></th>{{/SORT_SIZE}}
<th scope="col" class="perms">Permissions</th>
{{#SORT_DATE}}<th scope="col" class="date" aria-sort="{{ARIA_SORT}}"><a href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{KEY:u}}&amp;order={{NEXT_ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}">Date</a></th>{{/SORT_DATE}}
{{#ACTIONS_HEAD}}<th scope="col" class="action">Action</th>{{/ACTIONS_HEAD}}
</tr>
</thead>
<tbody>
{{ROWS:x-prerendered}}{{#STREAMED_ROWS}}{{>ROWS_VIEW}}{{/STREAMED_ROWS}}
</tbody>
</table>
</div>
{{#PAGER}}
<nav class="pager" aria-label="Pages">
<span class="pager-count">Entries {{FIRST}}–{{LAST}} of {{COUNT}}</span>
{{#PREV}}<a class="button" rel="prev" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{SORT:u}}&amp;order={{ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}&amp;page={{TO:u}}">Previous</a>{{/PREV}}
{{#NUMBER}}{{#IS_CURRENT}}<span class="button current" aria-current="page">{{TO}}</span>{{/IS_CURRENT}}{{#NOT_CURRENT}}<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{SORT:u}}&amp;order={{ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}&amp;page={{TO:u}}">{{TO}}</a>{{/NOT_CURRENT}}{{/NUMBER}}
{{#NEXT}}<a class="button" rel="next" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;sort={{SORT:u}}&amp;order={{ORDER:u}}&amp;filter={{FILTER:u}}&amp;per_page={{PER_PAGE:u}}&amp;page={{TO:u}}">Next</a>{{/NEXT}}
<span class="pager-of">Page {{PAGE}} of {{PAGES}}</span>
</nav>
{{/PAGER}}
{{/HAS_ROWS}}
