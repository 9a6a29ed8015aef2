/* Bus messages are posted without the element's lock: a synchronous bus
 * handler (GST_BUS_SYNC, called in the posting thread) that reads the
 * element's stats when the message arrives gets them, instead of waiting
 * forever on the lock the posting thread holds.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include <atomic>
#include <string>

/* How long a state change may take before it counts as deadlocked: under
 * libcheck's default test timeout (4 s), so the failure says why. */
static const gint64 STATE_CHANGE_TIMEOUT_US = 3 * G_USEC_PER_SEC;

/* What the sync handler saw. */
struct SyncReads {
  std::atomic<guint> errors{0};
  std::atomic<guint> warnings{0};
  std::atomic<guint> stats_read{0};
};

/* Reads the source element's stats on every error and warning, in the
 * thread that posts it. */
static GstBusSyncReply
read_stats_on_post (GstBus * bus, GstMessage * msg, gpointer data)
{
  SyncReads *reads = static_cast<SyncReads *> (data);
  GstMessageType type = GST_MESSAGE_TYPE (msg);
  if (type != GST_MESSAGE_ERROR && type != GST_MESSAGE_WARNING)
    return GST_BUS_PASS;
  (type == GST_MESSAGE_ERROR ? reads->errors : reads->warnings)++;
  GstStructure *stats = nullptr;
  g_object_get (GST_MESSAGE_SRC (msg), "stats", &stats, nullptr);
  if (stats) {
    reads->stats_read++;
    gst_structure_free (stats);
  }
  /* A sync handler that drops a message owns it (GstBusSyncHandler). */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

struct StateChange {
  GstElement *element;
  GstState state;
  std::atomic<bool> done{false};
  GstStateChangeReturn ret = GST_STATE_CHANGE_ASYNC;
};

static gpointer
change_state (gpointer data)
{
  StateChange *change = static_cast<StateChange *> (data);
  change->ret = gst_element_set_state (change->element, change->state);
  change->done = true;
  return nullptr;
}

/* Sets @element (with a bus whose sync handler reads stats) to @state in a
 * thread of its own; fails if that does not return in time: the element
 * posted while holding the lock that stats takes.  Returns what it
 * returned. */
static GstStateChangeReturn
set_state_or_fail (GstElement * element, GstState state, const std::string & what)
{
  StateChange *change = new StateChange ();
  change->element = element;
  change->state = state;
  GThread *thread = g_thread_new ("set-state", change_state, change);
  gint64 deadline = g_get_monotonic_time () + STATE_CHANGE_TIMEOUT_US;
  while (!change->done && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  /* Deadlocked: the thread (and @change) stay, stuck, for the process's
   * life. */
  fail_unless (change->done, "%s: the state change deadlocked: a bus message "
      "was posted with the element's lock held, and the sync handler waits "
      "for it to read stats", what.c_str ());
  g_thread_join (thread);
  GstStateChangeReturn ret = change->ret;
  delete change;
  return ret;
}

/* @desc fails NULL->READY with an error; the sync handler reads stats. */
static void
check_error_readable (const std::string & desc)
{
  GstElement *e = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (e != nullptr, "%s", desc.c_str ());
  GstBus *bus = gst_bus_new ();
  SyncReads reads;
  gst_bus_set_sync_handler (bus, read_stats_on_post, &reads, nullptr);
  gst_element_set_bus (e, bus);

  fail_unless_equals_int (set_state_or_fail (e, GST_STATE_READY, desc),
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (reads.errors.load (), 1);
  fail_unless_equals_int (reads.stats_read.load (), 1);

  gst_element_set_state (e, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (e);
  gst_object_unref (bus);
}

/* comedia-rtpsrc's settings errors at NULL->READY, one test each: a bad
 * SRTP key, an allowed-source that is no address, rtcp-mux on component 2. */
GST_START_TEST (test_rtpsrc_srtp_error_without_lock)
{
  check_error_readable ("comedia-rtpsrc session=locks-src-srtp "
      "srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=c2hvcnQ=");
}
GST_END_TEST;

GST_START_TEST (test_rtpsrc_allowed_source_error_without_lock)
{
  check_error_readable ("comedia-rtpsrc session=locks-src-allowed "
      "allowed-source=not-an-address");
}
GST_END_TEST;

GST_START_TEST (test_rtpsrc_rtcp_mux_error_without_lock)
{
  check_error_readable ("comedia-rtpsrc session=locks-src-mux "
      "component=2 rtcp-mux=true");
}
GST_END_TEST;

/* comedia-rtpsink's settings error at NULL->READY: a bad SRTP key. */
GST_START_TEST (test_rtpsink_settings_error_without_lock)
{
  check_error_readable ("comedia-rtpsink session=locks-sink-srtp "
      "srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=c2hvcnQ=");
}
GST_END_TEST;

/* The warning of a second element that names a running receive-thread
 * with other settings. */
GST_START_TEST (test_rtpsrc_receive_thread_warning_without_lock)
{
  GstElement *running = gst_parse_launch ("comedia-rtpsrc session=locks-rx-a "
      "receive-thread=locks-rx receive-threads=1", nullptr);
  GstElement *other = gst_parse_launch ("comedia-rtpsrc session=locks-rx-b "
      "receive-thread=locks-rx receive-threads=2", nullptr);
  fail_unless (running != nullptr && other != nullptr);
  fail_unless_equals_int (gst_element_set_state (running, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  GstBus *bus = gst_bus_new ();
  SyncReads reads;
  gst_bus_set_sync_handler (bus, read_stats_on_post, &reads, nullptr);
  gst_element_set_bus (other, bus);

  fail_unless_equals_int (set_state_or_fail (other, GST_STATE_READY,
          "second receive-thread element"), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (reads.warnings.load (), 1);
  fail_unless_equals_int (reads.stats_read.load (), 1);

  gst_element_set_state (other, GST_STATE_NULL);
  gst_element_set_state (running, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (other);
  gst_object_unref (running);
  gst_object_unref (bus);
}
GST_END_TEST;

static Suite *
bus_locks_suite (void)
{
  Suite *s = suite_create ("comedia-bus-locks");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rtpsrc_srtp_error_without_lock);
  tcase_add_test (tc, test_rtpsrc_allowed_source_error_without_lock);
  tcase_add_test (tc, test_rtpsrc_rtcp_mux_error_without_lock);
  tcase_add_test (tc, test_rtpsink_settings_error_without_lock);
  tcase_add_test (tc, test_rtpsrc_receive_thread_warning_without_lock);
  return s;
}

GST_CHECK_MAIN (bus_locks);
