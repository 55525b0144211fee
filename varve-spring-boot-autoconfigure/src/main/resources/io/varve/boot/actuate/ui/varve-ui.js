/*
 * The Varve operations page. No framework and no build step: it samples the varve
 * Actuator endpoint every second, keeps each processor's lag in a ring buffer and draws
 * it on a canvas. Everything that comes from the server is put into the page as text
 * (textContent), never as markup.
 */
(function () {
	'use strict';

	var SAMPLE_MILLIS = 1000;
	var WINDOW_SAMPLES = 300; // five minutes at one sample a second
	var EVENTS_PAGE = 50;
	var STREAMS_PAGE = 50;
	var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

	// The endpoint's path: this page is <endpoint>/ui.
	var base = window.location.pathname.replace(/\/ui(\/(index\.html)?)?$/, '');

	/**
	 * What the page knows, readable by scripts and tests: window.varveUi.series holds, per
	 * processor, the sampled lag (events) of the last five minutes, oldest first.
	 */
	var state = {
		settings: null,
		times: [],
		series: {},
		head: null,
		samples: 0,
		parked: [],
		stream: null,
		streamsAfter: null,
		streamSearches: 0
	};
	window.varveUi = state;

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, text, className) {
		var node = document.createElement(tag);
		if (text !== undefined && text !== null) {
			node.textContent = String(text);
		}
		if (className) {
			node.className = className;
		}
		return node;
	}

	function clear(node) {
		while (node.firstChild) {
			node.removeChild(node.firstChild);
		}
	}

	/** A name in a path: each segment encoded, a '/' kept as a separator. */
	function pathOf(name) {
		return name.split('/').map(encodeURIComponent).join('/');
	}

	function say(text, isError) {
		var message = $('message');
		message.textContent = text;
		message.className = isError ? 'message error' : 'message';
	}

	function getJson(path) {
		return fetch(base + path, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
			.then(function (response) {
				return response.json().catch(function () {
					return {};
				}).then(function (body) {
					if (!response.ok) {
						throw new Error(body.message || ('HTTP ' + response.status));
					}
					return body;
				});
			});
	}

	function csrfHeader(headers) {
		// With Spring Security's cookie-based CSRF tokens, send the token back.
		var match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
		if (match) {
			headers['X-XSRF-TOKEN'] = decodeURIComponent(match[1]);
		}
		return headers;
	}

	function act(processor, action, position) {
		var body = { action: action };
		if (position !== undefined && position !== null) {
			body.position = position;
		}
		say(action + ' ' + processor + (body.position !== undefined ? ' at ' + body.position : '') + '…');
		return fetch(base + '/processors/' + pathOf(processor), {
			method: 'POST',
			credentials: 'same-origin',
			headers: csrfHeader({ 'Content-Type': 'application/json', 'Accept': 'application/json' }),
			body: JSON.stringify(body)
		}).then(function (response) {
			return response.json().catch(function () {
				return {};
			}).then(function (result) {
				if (!response.ok) {
					throw new Error(result.message || ('HTTP ' + response.status));
				}
				say(processor + ': ' + (result.result || action));
			});
		}).catch(function (error) {
			say(processor + ': ' + action + ' failed: ' + error.message, true);
		}).then(sample);
	}

	function button(label, onClick, className) {
		var node = el('button', label, className);
		node.type = 'button';
		node.addEventListener('click', onClick);
		return node;
	}

	function bytes(count) {
		var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
		var value = count;
		var unit = 0;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
	}

	// ---- sampling ----------------------------------------------------------------

	function sample() {
		return getJson('').then(function (overview) {
			record(overview);
			showOverview(overview);
			showProcessors(overview.processors || []);
			$('connection').textContent = 'Updated ' + new Date().toLocaleTimeString();
			$('connection').className = 'connection';
			return refreshParked(overview.processors || []);
		}).catch(function (error) {
			$('connection').textContent = 'Cannot read ' + base + ': ' + error.message;
			$('connection').className = 'connection error';
		});
	}

	function record(overview) {
		var now = Date.now();
		var previous = state.head;
		state.head = { position: overview.headPosition, at: now };
		state.times.push(now);
		var names = {};
		(overview.processors || []).forEach(function (processor) {
			names[processor.name] = true;
			if (!state.series[processor.name]) {
				// A processor seen for the first time has no lag before now.
				state.series[processor.name] = state.times.slice(0, -1).map(function () {
					return null;
				});
			}
			state.series[processor.name].push(processor.lag);
		});
		Object.keys(state.series).forEach(function (name) {
			if (!names[name]) {
				state.series[name].push(null);
			}
		});
		if (state.times.length > WINDOW_SAMPLES) {
			state.times.shift();
			Object.keys(state.series).forEach(function (name) {
				state.series[name].shift();
			});
		}
		state.samples++;
		if (previous && now > previous.at) {
			var rate = (overview.headPosition - previous.position) * 1000 / (now - previous.at);
			state.throughput = state.throughput === undefined ? rate : 0.7 * state.throughput + 0.3 * rate;
		}
		drawChart();
	}

	function showOverview(overview) {
		$('head').textContent = String(overview.headPosition);
		$('throughput').textContent = state.throughput === undefined ? '–'
			: Math.round(state.throughput) + ' events/s';
		$('stream-count').textContent = String(overview.streamCount);
		if (overview.storage) {
			$('storage').textContent = bytes(overview.storage.usedBytes) + ' ('
				+ (overview.storage.capacityUsage * 100).toFixed(1) + '% of the maximum)';
			$('durability').textContent = overview.storage.durability
				+ (overview.storage.readOnly ? ', read-only store' : '');
		}
		$('retention').textContent = retentionText(overview.retention);
	}

	/** The retention policies and what the task has deleted, in one line. */
	function retentionText(retention) {
		var names = retention ? Object.keys(retention.policies || {}) : [];
		if (names.length === 0) {
			return 'none (events are kept)';
		}
		var policies = names.map(function (name) {
			var policy = retention.policies[name];
			var limits = [];
			if (policy.maxAge) {
				limits.push('deletes events older than ' + policy.maxAge);
			}
			if (policy.maxCount) {
				limits.push('keeps each stream\'s newest ' + policy.maxCount + ' events');
			}
			return name + ' ' + limits.join(' and ');
		}).join('; ');
		var progress = retention.eventsDeleted + ' events deleted in ' + retention.passes + ' passes'
			+ (retention.running ? ', a pass running' : '')
			+ (retention.lastPassFinished ? ', last pass finished ' + retention.lastPassFinished : '');
		return policies + '. ' + progress + (retention.lastError ? '. Last error: ' + retention.lastError : '') + '.';
	}

	function showProcessors(processors) {
		var body = $('processors').querySelector('tbody');
		clear(body);
		var errors = $('last-errors');
		clear(errors);
		processors.forEach(function (processor) {
			var row = el('tr');
			row.dataset.processor = processor.name;
			row.appendChild(el('td', processor.name));
			row.appendChild(el('td', processor.state, 'state state-' + processor.state.toLowerCase()));
			row.appendChild(el('td', processor.checkpoint, 'num'));
			row.appendChild(el('td', processor.lag, 'num lag'));
			row.appendChild(el('td', Number(processor.lagSeconds).toFixed(1), 'num'));
			row.appendChild(el('td', processor.eventsHandled, 'num'));
			row.appendChild(el('td', processor.errors, 'num'));
			row.appendChild(el('td', processor.parked, 'num'));
			var actions = el('td', null, 'writes');
			if (state.settings && state.settings.writable) {
				if (processor.state === 'PAUSED') {
					actions.appendChild(button('Resume', function () {
						act(processor.name, 'resume');
					}, 'resume'));
				}
				else if (processor.state === 'FAILED' || processor.state === 'STOPPED') {
					actions.appendChild(button('Restart', function () {
						act(processor.name, 'restart');
					}, 'restart'));
				}
				else {
					actions.appendChild(button('Pause', function () {
						act(processor.name, 'pause');
					}, 'pause'));
				}
			}
			row.appendChild(actions);
			body.appendChild(row);
			if (processor.lastError) {
				errors.appendChild(el('span', processor.name + ' at position ' + processor.lastError.position + ': '
					+ processor.lastError.message));
				errors.appendChild(el('br'));
			}
		});
	}

	// ---- the lag chart -------------------------------------------------------------

	function niceMax(value) {
		if (value <= 4) {
			return 4;
		}
		var power = Math.pow(10, Math.floor(Math.log10(value)));
		var steps = [1, 2, 5, 10];
		for (var i = 0; i < steps.length; i++) {
			if (steps[i] * power >= value) {
				return steps[i] * power;
			}
		}
		return 10 * power;
	}

	function drawChart() {
		var canvas = $('lag-chart');
		var names = Object.keys(state.series).sort();
		var ratio = window.devicePixelRatio || 1;
		var width = canvas.clientWidth || 900;
		var height = canvas.clientHeight || 240;
		if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
			canvas.width = Math.round(width * ratio);
			canvas.height = Math.round(height * ratio);
		}
		var context = canvas.getContext('2d');
		context.setTransform(ratio, 0, 0, ratio, 0, 0);
		context.clearRect(0, 0, width, height);
		var left = 56;
		var right = 8;
		var top = 8;
		var bottom = 22;
		var plotWidth = width - left - right;
		var plotHeight = height - top - bottom;
		var highest = 0;
		names.forEach(function (name) {
			state.series[name].forEach(function (lag) {
				if (lag !== null && lag > highest) {
					highest = lag;
				}
			});
		});
		var max = niceMax(highest);
		context.font = '11px sans-serif';
		context.fillStyle = '#555';
		context.strokeStyle = '#ddd';
		context.lineWidth = 1;
		for (var step = 0; step <= 4; step++) {
			var y = top + plotHeight - plotHeight * step / 4;
			context.beginPath();
			context.moveTo(left, y);
			context.lineTo(left + plotWidth, y);
			context.stroke();
			context.textAlign = 'right';
			context.textBaseline = 'middle';
			var label = max * step / 4;
			context.fillText(Number.isInteger(label) ? String(label) : label.toFixed(1), left - 6, y);
		}
		var drawn = 0;
		var now = state.times.length ? state.times[state.times.length - 1] : Date.now();
		// The time axis covers what has been sampled, from half a minute up to the window.
		var span = Math.min(WINDOW_SAMPLES * SAMPLE_MILLIS,
			Math.max(30000, state.times.length ? now - state.times[0] : 0));
		context.textAlign = 'left';
		context.textBaseline = 'top';
		context.fillText(span >= 60000 ? '-' + (span / 60000).toFixed(1).replace(/\.0$/, '') + ' min'
			: '-' + Math.round(span / 1000) + ' s', left, top + plotHeight + 6);
		context.textAlign = 'right';
		context.fillText('now', left + plotWidth, top + plotHeight + 6);
		names.forEach(function (name, index) {
			var values = state.series[name];
			context.strokeStyle = COLOURS[index % COLOURS.length];
			context.lineWidth = 2;
			context.beginPath();
			var started = false;
			values.forEach(function (lag, i) {
				if (lag === null) {
					started = false;
					return;
				}
				var x = left + plotWidth - plotWidth * (now - state.times[i]) / span;
				var y = top + plotHeight - plotHeight * lag / max;
				if (started) {
					context.lineTo(x, y);
				}
				else {
					context.moveTo(x, y);
					started = true;
				}
				drawn++;
			});
			context.stroke();
		});
		canvas.dataset.points = String(drawn);
		canvas.dataset.max = String(max);
		canvas.dataset.series = JSON.stringify(state.series);
		showLegend(names);
	}

	function showLegend(names) {
		var legend = $('lag-legend');
		if (legend.childNodes.length === names.length) {
			return;
		}
		clear(legend);
		names.forEach(function (name, index) {
			var item = el('li');
			var swatch = el('span', null, 'swatch');
			swatch.style.backgroundColor = COLOURS[index % COLOURS.length];
			item.appendChild(swatch);
			item.appendChild(document.createTextNode(name));
			legend.appendChild(item);
		});
	}

	// ---- parked events -----------------------------------------------------------

	function refreshParked(processors) {
		var withParked = processors.filter(function (processor) {
			return processor.parked > 0;
		});
		return Promise.all(withParked.map(function (processor) {
			return getJson('/processors/' + pathOf(processor.name)).then(function (detail) {
				return (detail.parkedEvents || []).map(function (parked) {
					parked.processor = processor.name;
					return parked;
				});
			});
		})).then(function (lists) {
			state.parked = [].concat.apply([], lists);
			showParked();
		});
	}

	function showParked() {
		var table = $('parked');
		var body = table.querySelector('tbody');
		clear(body);
		table.hidden = state.parked.length === 0;
		$('parked-empty').hidden = state.parked.length > 0;
		state.parked.forEach(function (parked) {
			var row = el('tr');
			row.dataset.processor = parked.processor;
			row.dataset.position = String(parked.position);
			row.appendChild(el('td', parked.processor));
			row.appendChild(el('td', parked.position, 'num'));
			row.appendChild(el('td', parked.stream));
			row.appendChild(el('td', parked.eventType));
			row.appendChild(el('td', parked.error + (parked.held ? ' (held behind an earlier event)' : '')));
			row.appendChild(el('td', parked.attempts, 'num'));
			row.appendChild(el('td', parked.parkedAt));
			var actions = el('td', null, 'writes');
			if (state.settings && state.settings.writable) {
				actions.appendChild(button('Retry', function () {
					act(parked.processor, 'retry', parked.position);
				}, 'retry'));
				actions.appendChild(button('Discard', function () {
					if (window.confirm('Discard the event at position ' + parked.position + ' for '
						+ parked.processor + ' without handling it?')) {
						act(parked.processor, 'discard', parked.position);
					}
				}, 'discard'));
			}
			row.appendChild(actions);
			body.appendChild(row);
		});
	}

	// ---- the stream browser ------------------------------------------------------

	function searchStreams(more) {
		var prefix = $('prefix').value;
		var query = '?limit=' + STREAMS_PAGE + '&prefix=' + encodeURIComponent(prefix);
		if (more && state.streamsAfter) {
			query += '&after=' + encodeURIComponent(state.streamsAfter);
		}
		// A slow answer to an earlier search must not overwrite a later one.
		var asked = ++state.streamSearches;
		return getJson('/streams' + query).then(function (page) {
			if (asked !== state.streamSearches) {
				return;
			}
			var list = $('streams');
			if (!more) {
				clear(list);
			}
			page.streams.forEach(function (stream) {
				var item = el('li');
				var open = button(stream.name, function () {
					openStream(stream.name, null);
				}, 'link');
				open.dataset.stream = stream.name;
				item.appendChild(open);
				item.appendChild(el('span', ' version ' + stream.version, 'muted'));
				list.appendChild(item);
			});
			if (!more && page.streams.length === 0) {
				list.appendChild(el('li', 'No stream starts with "' + prefix + '".', 'muted'));
			}
			state.streamsAfter = page.next || null;
			$('streams-more').hidden = !page.next;
		}).catch(function (error) {
			say('Cannot list streams: ' + error.message, true);
		});
	}

	/** Opens a stream at a version, or at its last page when from is null. */
	function openStream(name, from) {
		var path = '/events?stream=' + encodeURIComponent(name) + '&limit=' + EVENTS_PAGE;
		var load = (from !== null) ? getJson(path + '&from=' + from)
			: getJson('/streams?name=' + encodeURIComponent(name)).then(function (info) {
				return getJson(path + '&from=' + Math.max(1, info.version - EVENTS_PAGE + 1));
			});
		return load.then(function (page) {
			state.stream = page;
			showStream(page);
		}).catch(function (error) {
			say('Cannot open ' + name + ': ' + error.message, true);
		});
	}

	function showStream(page) {
		$('stream').hidden = false;
		$('stream-name').textContent = page.stream;
		$('stream-version').textContent = 'version ' + page.version;
		var showPayloads = state.settings && state.settings.showPayloads;
		$('payloads-note').textContent = showPayloads ? ''
			: 'Payloads are not shown (varve.ui.show-payloads is off).';
		$('events').classList.toggle('no-payloads', !showPayloads);
		var body = $('events').querySelector('tbody');
		clear(body);
		page.events.forEach(function (event) {
			var row = el('tr');
			row.dataset.position = String(event.position);
			row.appendChild(el('td', event.version, 'num'));
			row.appendChild(el('td', event.position, 'num'));
			row.appendChild(el('td', event.type + (event.schemaVersion > 1 ? ' v' + event.schemaVersion : '')));
			row.appendChild(el('td', event.timestamp));
			row.appendChild(el('td', event.id, 'id'));
			row.appendChild(el('td', event.correlationId || '', 'id'));
			row.appendChild(el('td', event.dataSize + ' B', 'num'));
			var payload = el('td', null, 'payload');
			if (event.data !== undefined && event.data !== null) {
				payload.appendChild(el('pre', JSON.stringify(event.data, null, 2)));
				if (event.metadata) {
					payload.appendChild(el('pre', 'metadata ' + JSON.stringify(event.metadata, null, 2), 'muted'));
				}
			}
			row.appendChild(payload);
			body.appendChild(row);
		});
		var first = page.events.length ? page.events[0].version : 1;
		$('events-older').disabled = first <= 1;
		$('events-newer').disabled = !page.next;
	}

	function start(settings) {
		state.settings = settings;
		document.body.classList.toggle('read-only', !settings.writable);
		$('access').textContent = settings.writable ? 'allowed' : 'not allowed (read-only)';
		$('stream-search').addEventListener('submit', function (event) {
			event.preventDefault();
			searchStreams(false);
		});
		$('streams-more').addEventListener('click', function () {
			searchStreams(true);
		});
		$('events-older').addEventListener('click', function () {
			var page = state.stream;
			var first = page.events.length ? page.events[0].version : 1;
			openStream(page.stream, Math.max(1, first - EVENTS_PAGE));
		});
		$('events-newer').addEventListener('click', function () {
			if (state.stream.next) {
				openStream(state.stream.stream, state.stream.next);
			}
		});
		searchStreams(false);
		(function loop() {
			var started = Date.now();
			sample().then(function () {
				window.setTimeout(loop, Math.max(0, SAMPLE_MILLIS - (Date.now() - started)));
			});
		})();
	}

	document.addEventListener('DOMContentLoaded', function () {
		getJson('/ui/settings').then(start).catch(function (error) {
			$('connection').textContent = 'Cannot read the page settings: ' + error.message;
			$('connection').className = 'connection error';
		});
	});
})();
